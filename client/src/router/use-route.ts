import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { parseRoute, routePath, type Route } from './route.ts';

const listeners = new Set<() => void>();
const notify = () => listeners.forEach((listener) => listener());

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  window.addEventListener('hashchange', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
    window.removeEventListener('hashchange', listener);
  };
}

const currentPath = () => window.location.pathname + window.location.hash;

/** Goes to a route with the History API; `replace` keeps the history entry. */
export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const path = routePath(route);
  if (path === currentPath()) return;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  notify();
}

/** The current route; re-renders on navigation and on back/forward. */
export function useRoute(): [Route, typeof navigate] {
  const path = useSyncExternalStore(subscribe, currentPath);
  const route = useMemo(() => {
    const hashAt = path.indexOf('#');
    return hashAt < 0 ? parseRoute(path) : parseRoute(path.slice(0, hashAt), path.slice(hashAt));
  }, [path]);
  return [route, useCallback(navigate, [])];
}
