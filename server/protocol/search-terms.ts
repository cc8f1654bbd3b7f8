/**
 * The words of a search as typed: letters and digits only (everything else separates words, as
 * both engines' tokenizers do), lowercased, at most 8. Each is matched as a prefix, all must match.
 * Shared: the store searches with them, the page highlights them in a snippet.
 */
export function searchTerms(q: string): string[] {
  return [...new Set((q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8))];
}
