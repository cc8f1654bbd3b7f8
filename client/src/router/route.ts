/** The page's addresses: the home page and one per conversation (`/c/<id>`). */
export type Route = { name: 'home' } | { name: 'conversation'; id: string };

export function parseRoute(pathname: string): Route {
  const match = /^\/c\/([^/]+)\/?$/.exec(pathname);
  if (match?.[1]) {
    try {
      return { name: 'conversation', id: decodeURIComponent(match[1]) };
    } catch {
      return { name: 'home' };
    }
  }
  return { name: 'home' };
}

export function routePath(route: Route): string {
  return route.name === 'conversation' ? `/c/${encodeURIComponent(route.id)}` : '/';
}
