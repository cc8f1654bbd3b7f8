/** The origin browsers use for this server, and whether they reach it over HTTPS. */
export interface OwnOrigin {
  /** e.g. `http://127.0.0.1:8080` or `https://talkbook.example.com` */
  origin: string;
  secure: boolean;
}

/**
 * `TALKBOOK_PUBLIC_URL`'s origin when it is set (behind a proxy, the only way to know that
 * browsers speak HTTPS: `X-Forwarded-Proto` is never trusted); otherwise the request's own
 * origin as Talkbook sees it (plain HTTP, the `Host` header).
 */
export function ownOrigin(requestUrl: string, publicUrl: string | undefined): OwnOrigin {
  const url = new URL(publicUrl ?? requestUrl);
  return { origin: url.origin, secure: url.protocol === 'https:' };
}
