/**
 * The order in which stored checkpoints are dropped to keep a conversation within its budget,
 * as the engine thins its own folder (kernel-config/startup/talkbook_checkpoint/budget.py): the
 * newest `keepRecent` and the protected ones are never dropped; the older ones go every other
 * one, oldest first, pass after pass, so a spread of old points to go back to remains.
 */
export function thinningOrder(idsOldestFirst: readonly string[], keepRecent: number, protectedIds: ReadonlySet<string>): string[] {
  const recent = new Set(keepRecent > 0 ? idsOldestFirst.slice(-keepRecent) : []);
  let candidates = idsOldestFirst.filter((id) => !recent.has(id) && !protectedIds.has(id));
  const order: string[] = [];
  while (candidates.length) {
    order.push(...candidates.filter((_, index) => index % 2 === 0));
    candidates = candidates.filter((_, index) => index % 2 === 1);
  }
  return order;
}
