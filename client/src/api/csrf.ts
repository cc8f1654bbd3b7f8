/**
 * The session's CSRF token, from the cookie the server sets at sign-in (`talkbook_csrf`, or
 * `__Host-talkbook_csrf` over HTTPS). Sent as `X-CSRF-Token` on every state-changing request.
 */
export function csrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === '__Host-talkbook_csrf' || name === 'talkbook_csrf') return value.join('=');
  }
  return undefined;
}
