import { searchTerms } from '../protocol.ts';

/** A piece of text, and whether it is (the start of) a word the search matched. */
export interface TextPart {
  text: string;
  match: boolean;
}

/** Lower case without accents, so "cafe" finds "Café" (as both search engines fold them). */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

/**
 * `text` cut into the parts a search for `q` matched and the rest: every word that starts with
 * one of the search's words is marked, its matched start only when folding kept its length.
 * Pure text in, text out: the page renders the parts as text nodes and `<mark>`s, never as HTML.
 */
export function highlightTerms(text: string, q: string): TextPart[] {
  const terms = searchTerms(q).map(fold).filter(Boolean);
  const parts: TextPart[] = [];
  if (terms.length === 0) return text ? [{ text, match: false }] : [];
  let plainFrom = 0;
  const push = (part: TextPart) => {
    if (!part.text) return;
    const last = parts[parts.length - 1];
    if (last && last.match === part.match) last.text += part.text;
    else parts.push(part);
  };
  for (const word of text.matchAll(/[\p{L}\p{N}\p{M}]+/gu)) {
    const folded = fold(word[0]);
    const term = terms.filter((candidate) => folded.startsWith(candidate)).sort((a, b) => b.length - a.length)[0];
    if (term === undefined) continue;
    const start = word.index;
    const length = folded.length === word[0].length ? term.length : word[0].length;
    push({ text: text.slice(plainFrom, start), match: false });
    push({ text: text.slice(start, start + length), match: true });
    plainFrom = start + length;
  }
  push({ text: text.slice(plainFrom), match: false });
  return parts;
}

/**
 * The parts with the text before the first match cut to about `leadChars` (from a word start,
 * after "…"), so the match shows within the two lines a snippet gets.
 */
export function leadToMatch(parts: readonly TextPart[], leadChars = 28): TextPart[] {
  const first = parts.findIndex((part) => part.match);
  if (first < 0) return [...parts];
  const before = parts.slice(0, first).map((part) => part.text).join('');
  if (before.length <= leadChars) return [...parts];
  let lead = before.slice(before.length - leadChars);
  const space = lead.search(/\s/);
  if (space >= 0 && space < lead.length - 1) lead = lead.slice(space + 1);
  return [{ text: `…${lead}`, match: false }, ...parts.slice(first)];
}
