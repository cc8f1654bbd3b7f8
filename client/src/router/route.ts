/**
 * The page's addresses: the home page and one per conversation (`/c/<id>`), optionally at one of
 * its cells (`/c/<id>#cell-<cellId>`: a search result opens there, and a reload keeps it); the
 * admin page (`/admin`); a read-only link (`/shared#<secret>`: the secret never reaches a server log).
 */
export type Route = { name: 'home' } | { name: 'conversation'; id: string; cellId?: string } | { name: 'admin' } | { name: 'shared'; secret: string };

const CELL_HASH = '#cell-';

export function parseRoute(pathname: string, hash = ''): Route {
  if (/^\/admin\/?$/.test(pathname)) return { name: 'admin' };
  if (/^\/shared\/?$/.test(pathname) && hash.length > 1) return { name: 'shared', secret: hash.slice(1) };
  const match = /^\/c\/([^/]+)\/?$/.exec(pathname);
  if (match?.[1]) {
    try {
      const id = decodeURIComponent(match[1]);
      const cellId = hash.startsWith(CELL_HASH) ? decodeURIComponent(hash.slice(CELL_HASH.length)) : '';
      return cellId ? { name: 'conversation', id, cellId } : { name: 'conversation', id };
    } catch {
      return { name: 'home' };
    }
  }
  return { name: 'home' };
}

export function routePath(route: Route): string {
  if (route.name === 'home') return '/';
  if (route.name === 'admin') return '/admin';
  if (route.name === 'shared') return `/shared#${route.secret}`;
  const path = `/c/${encodeURIComponent(route.id)}`;
  return route.cellId ? `${path}${CELL_HASH}${encodeURIComponent(route.cellId)}` : path;
}
