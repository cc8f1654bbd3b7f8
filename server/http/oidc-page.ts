/** Text for HTML: the page never carries markup from a provider or a person. */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * The page a refused OpenID Connect sign-in ends on: what happened in plain words and a way
 * back (the sign-in page, or straight to the provider again). Never a stack trace or a token.
 */
export function signInRefusedPage(message: string, providerName: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in refused · Talkbook</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; margin: 0; min-height: 100vh; display: grid; place-items: center; background: #f6f7f9; color: #1d2330; }
  main { max-width: 32rem; margin: 1rem; padding: 2rem; background: #fff; border: 1px solid #d8dce3; border-radius: 12px; }
  h1 { font-size: 1.4rem; margin: 0 0 1rem; }
  nav { display: flex; gap: 1rem; flex-wrap: wrap; margin-top: 1.5rem; }
  a { color: #1f5fbf; }
</style>
</head>
<body>
<main>
<h1>Sign-in refused</h1>
<p id="reason">${escapeHtml(message)}</p>
<nav>
<a href="/">Back to the sign-in page</a>
<a href="/api/auth/oidc/start">Sign in with ${escapeHtml(providerName)} again</a>
</nav>
</main>
</body>
</html>
`;
}
