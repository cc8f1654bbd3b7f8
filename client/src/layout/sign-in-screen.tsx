import { useEffect, useState, type FormEvent } from 'react';
import { fetchSignInMethods, signInWithPassword } from '../api/auth-api.ts';
import type { SignInMethods } from '../protocol.ts';

/**
 * Shown on any 401: sign in with the organisation's OpenID provider when the server has one
 * ("Sign in with <name>": a plain link, the browser goes there and comes back signed in), with a
 * username and password, or with the one-time link the server printed at its first start.
 */
export function SignInScreen() {
  const [methods, setMethods] = useState<SignInMethods | undefined>(undefined);
  useEffect(() => {
    let live = true;
    // Without an answer the password form is still there: nothing to report.
    fetchSignInMethods().then(
      (answer) => live && setMethods(answer),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    signInWithPassword(username, password).then(
      () => window.location.reload(),
      (reason: unknown) => {
        setBusy(false);
        setError(reason instanceof Error ? reason.message : String(reason));
      },
    );
  };

  return (
    <main className="sign-in-screen">
      <div className="sign-in-card">
        <span className="brand-mark large" aria-hidden="true" />
        <h1>Sign in to Talkbook</h1>
        {methods?.oidc ? (
          <div className="sign-in-oidc">
            <a className="button primary large" href={methods.oidc.startUrl}>
              Sign in with {methods.oidc.name}
            </a>
            <p className="sign-in-or">or with a username and password</p>
          </div>
        ) : null}
        <form className="sign-in-form" onSubmit={submit} aria-describedby={error ? 'sign-in-error' : undefined}>
          <label>
            <span>Username</span>
            <input name="username" autoComplete="username" required value={username} onChange={(event) => setUsername(event.target.value)} />
          </label>
          <label>
            <span>Password</span>
            <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
          </label>
          {error ? (
            <p id="sign-in-error" className="sign-in-error" role="alert">
              {error}
            </p>
          ) : null}
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p>
          First time here? When the server starts without a password set, it prints a one-time link like
          <code>http://127.0.0.1:8080/?signin=…</code>
          Open it in this browser to sign in as the admin, then set a password.
        </p>
      </div>
    </main>
  );
}
