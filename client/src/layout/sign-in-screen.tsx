/** Shown on any 401: the page cannot sign in by itself; the printed link sets the cookie. */
export function SignInScreen() {
  return (
    <main className="sign-in-screen">
      <div className="sign-in-card">
        <span className="brand-mark large" aria-hidden="true" />
        <h1>Open the link printed by the server</h1>
        <p>
          This Talkbook needs its access link. When the server starts, it prints a line like
          <code>http://127.0.0.1:8080/?token=…</code>
          Open that link in this browser; it signs you in and brings you back here.
        </p>
      </div>
    </main>
  );
}
