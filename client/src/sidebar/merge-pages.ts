import type { ConversationListItem } from '../protocol.ts';

/**
 * The pure rules of a list read a page at a time while conversations change underneath it.
 * The server orders by `updatedAt` then `id`, newest first, and a cursor is the last item's
 * position: a conversation updated meanwhile moves to the top, one created meanwhile appears
 * there, so merging by id (the newest copy wins) and by position gives no duplicates and no gaps.
 */
export interface LoadedPages {
  items: readonly ConversationListItem[];
  /** Where the next page starts; null once the end was reached. */
  nextCursor: string | null;
}

/** Newest first, as the server sorts: negative when `a` comes before `b`. */
export function compareNewestFirst(a: Pick<ConversationListItem, 'updatedAt' | 'id'>, b: Pick<ConversationListItem, 'updatedAt' | 'id'>): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt ? -1 : 1;
  if (a.id === b.id) return 0;
  return a.id > b.id ? -1 : 1;
}

/**
 * The next page (read with the loaded list's cursor) appended. A conversation already listed
 * was listed from a fresher read (it moved up since), so that copy stays.
 */
export function appendPage(loaded: LoadedPages, page: LoadedPages): LoadedPages {
  const known = new Set(loaded.items.map((item) => item.id));
  return { items: [...loaded.items, ...page.items.filter((item) => !known.has(item.id))], nextCursor: page.nextCursor };
}

/**
 * The first page read again (a refresh) merged into what is loaded: the fresh page on top, then
 * the loaded conversations that sort after its last item. One that sorted inside the fresh page's
 * range but is not in it was deleted (or moved up and is in it). The cursor stays where the
 * loaded pages ended, unless the fresh page reaches further.
 */
export function mergeFirstPage(loaded: LoadedPages | undefined, first: LoadedPages): LoadedPages {
  if (!loaded || first.nextCursor === null) return first;
  const last = first.items[first.items.length - 1];
  if (!last) return first;
  const fresh = new Set(first.items.map((item) => item.id));
  const older = loaded.items.filter((item) => !fresh.has(item.id) && compareNewestFirst(item, last) > 0);
  // Nothing loaded beyond the fresh page: continue from the fresh page's end.
  if (older.length === 0 && !reachesBeyond(loaded, last)) return first;
  return { items: [...first.items, ...older], nextCursor: loaded.nextCursor };
}

/** Whether the loaded pages ended after `position` (their cursor points further down). */
function reachesBeyond(loaded: LoadedPages, position: ConversationListItem): boolean {
  if (loaded.nextCursor === null) return true;
  const end = loaded.items[loaded.items.length - 1];
  return end !== undefined && compareNewestFirst(end, position) > 0;
}

/** A conversation made here (new, imported): on top, once. */
export function prependItem(loaded: LoadedPages | undefined, item: ConversationListItem): LoadedPages {
  const items = (loaded?.items ?? []).filter((other) => other.id !== item.id);
  return { items: [item, ...items], nextCursor: loaded?.nextCursor ?? null };
}

/** A local change ahead of the server's answer (a title frame, a kernel state, a rename). */
export function patchItem(loaded: LoadedPages | undefined, id: string, change: Partial<ConversationListItem>): LoadedPages | undefined {
  if (!loaded || !loaded.items.some((item) => item.id === id)) return loaded;
  return { ...loaded, items: loaded.items.map((item) => (item.id === id ? { ...item, ...change } : item)) };
}

export function dropItem(loaded: LoadedPages | undefined, id: string): LoadedPages | undefined {
  if (!loaded || !loaded.items.some((item) => item.id === id)) return loaded;
  return { ...loaded, items: loaded.items.filter((item) => item.id !== id) };
}

/**
 * A first page read while conversations were made or deleted here: it may predate them, so the
 * ones made stay on top and the ones deleted stay gone.
 */
export function withLocalChanges(loaded: LoadedPages, changes: { added: ReadonlyMap<string, ConversationListItem>; dropped: ReadonlySet<string> }): LoadedPages {
  let result = loaded;
  for (const id of changes.dropped) result = dropItem(result, id) ?? result;
  for (const item of changes.added.values()) if (!result.items.some((other) => other.id === item.id)) result = prependItem(result, item);
  return result;
}
