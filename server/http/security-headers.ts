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
  "frame-src 'self' blob: data:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const FRAME_CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline' 'unsafe-eval' 'self'",
  "style-src 'unsafe-inline' 'self'",
  'img-src data: blob:',
  'font-src data:',
  'media-src data: blob:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

export function securityHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    const type = c.res.headers.get('Content-Type') ?? '';
    if (type.startsWith('text/html') && !c.res.headers.has('Content-Security-Policy')) {
      c.header('Content-Security-Policy', c.req.path === '/frame.html' ? FRAME_CSP : APP_CSP);
      if (c.req.path !== '/frame.html') c.header('X-Frame-Options', 'DENY');
    }
  };
}
