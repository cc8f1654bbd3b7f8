/** Lower case without accents, so "cafe" finds "Café". */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

/** Whether a conversation title matches what was typed in the filter: every word, anywhere. */
export function matchesTitle(title: string, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const folded = fold(title);
  return words.every((word) => folded.includes(word));
}
