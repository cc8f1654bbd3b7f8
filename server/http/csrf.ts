/**
 * Cookie-authenticated requests must come from Talkbook's own page. Cookies ignore ports, and
 * SameSite=Strict counts another port of the same host as the same site, so a page served on
 * any other local port makes the browser attach the cookie. What such a page cannot forge:
 * `Sec-Fetch-Site` (the browser's verdict: another port is `same-site`, not `same-origin`),
 * `Origin`, and, without a CORS preflight that Talkbook never answers, a JSON content type.
 * Bearer-token requests are scripts, not browsers: these checks do not apply to them.
 */
export interface RequestSignals {
  method: string;
  path: string;
  contentType: string | undefined;
  secFetchSite: string | undefined;
  origin: string | undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** POST routes whose bodies are one file as multipart/form-data: uploads and notebook imports. */
const MULTIPART_ROUTE = /^\/api\/conversations\/(import|[^/]+\/files)$/;

/**
 * Whether the browser says the request comes from `own` itself: `Sec-Fetch-Site` decides when
 * sent (every current browser sends it); without it, `Origin` must be exactly `own`.
 */
export function fromOwnOrigin(request: Pick<RequestSignals, 'secFetchSite' | 'origin'>, own: string): boolean {
  if (request.secFetchSite !== undefined) return request.secFetchSite === 'same-origin';
  return request.origin === own;
}

function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase() || undefined;
}

/** Why a cookie-authenticated request is refused (a message for the person), or undefined. */
export function crossOriginRefusal(request: RequestSignals, own: string): string | undefined {
  const method = request.method.toUpperCase();
  // Reads too: another site or port may not even embed what the API answers (an image, a file).
  if (request.secFetchSite === 'cross-site' || request.secFetchSite === 'same-site') {
    return 'This request came from another site or port: only Talkbook\'s own page may use its cookie.';
  }
  if (SAFE_METHODS.has(method)) return undefined;
  const type = mediaType(request.contentType);
  const multipart = method === 'POST' && MULTIPART_ROUTE.test(request.path);
  if (type !== 'application/json' && !(multipart && type === 'multipart/form-data')) {
    return multipart
      ? 'Send this request as multipart/form-data (or use Authorization: Bearer <token>).'
      : 'Send this request as application/json (or use Authorization: Bearer <token>).';
  }
  if (!fromOwnOrigin(request, own)) {
    return 'This request did not come from Talkbook\'s own page: only that page may use its cookie.';
  }
  return undefined;
}

/**
 * Why a sign-in request (no cookie needed) is refused, or undefined. Scripts may sign in
 * without `Origin`; a browser page elsewhere may not (login CSRF: signing a victim in as the
 * attacker), and a state change must be JSON, which no form can send.
 */
export function signInRefusal(request: RequestSignals, own: string): string | undefined {
  if (request.secFetchSite === 'cross-site' || request.secFetchSite === 'same-site') {
    return 'This request came from another site or port: sign in on Talkbook\'s own page.';
  }
  if (request.origin !== undefined && request.secFetchSite !== 'same-origin' && request.origin !== own) {
    return 'This request did not come from Talkbook\'s own page.';
  }
  if (SAFE_METHODS.has(request.method.toUpperCase())) return undefined;
  if (mediaType(request.contentType) !== 'application/json') return 'Send this request as application/json.';
  return undefined;
}
