import type { MiddlewareHandler } from 'hono';

/**
 * The app's pages run only our own scripts. Untrusted outputs are rendered by the client in
 * sandboxed frames served from `/frame.html`, which gets its own, stricter policy (no network).
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  // Output frames only: not blob: or data:, which an output frame could navigate itself to
  // and so get a document (and globals) that frame-boot.js never locked down.
  "frame-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Untrusted outputs: no fetch, connection, worker or nested frame of any kind. Trusted Types are
 * enforced so that frame-boot.js's default policy sees every HTML string before a parser does
 * (it renames frame tags); only that file's two policies may exist.
 */
export const FRAME_CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline' 'unsafe-eval' 'self'",
  "style-src 'unsafe-inline' 'self'",
  'img-src data: blob:',
  'font-src data:',
  'media-src data: blob:',
  "connect-src 'none'",
  "frame-src 'none'",
  "child-src 'none'",
  "worker-src 'none'",
  "object-src 'none'",
  "manifest-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
  "require-trusted-types-for 'script'",
  'trusted-types default talkbook-frame',
].join('; ');

export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    // Host names in outputs are never resolved ahead of time (a DNS query carries data too).
    c.header('X-DNS-Prefetch-Control', 'off');
    const type = c.res.headers.get('Content-Type') ?? '';
    if (type.startsWith('text/html') && !c.res.headers.has('Content-Security-Policy')) {
      c.header('Content-Security-Policy', c.req.path === '/frame.html' ? FRAME_CSP : APP_CSP);
      if (c.req.path !== '/frame.html') c.header('X-Frame-Options', 'DENY');
    }
  };
}
