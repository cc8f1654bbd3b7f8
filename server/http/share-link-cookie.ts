import { readCookie } from './session-cookie.ts';

/**
 * A read-only link (issue 17), once opened by a signed-in person, lives in a cookie scoped to
 * that conversation's API (`Path=/api/conversations/<id>`): every request and the socket on it
 * carry the link's secret, no other path sees it, and the secret never sits in an address the
 * server logs (the page's link keeps it after `#`). The store keeps only its hash, so revoking
 * or replacing the link ends every such cookie's access at once.
 */
export function shareLinkCookieName(conversationId: string): string {
  return `talkbook_link_${conversationId}`;
}

export function shareLinkCookie(conversationId: string, secret: string, secure: boolean): string {
  return `${shareLinkCookieName(conversationId)}=${secret}; Path=/api/conversations/${conversationId}; Max-Age=${30 * 24 * 3600}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

export function readShareLinkCookie(header: string | undefined | null, conversationId: string): string | undefined {
  return readCookie(header, shareLinkCookieName(conversationId));
}
