import { streamText, type Cell, type Output } from '../protocol/index.ts';

export { searchTerms } from '../protocol/index.ts';

/** Most text kept per cell for search: enough for the answer or the output people remember. */
export const MAX_SEARCH_CHARS = 16_384;

/**
 * The text a cell is found by: a question or an answer as written; code with the text of its
 * outputs (streams, plain-text results, errors). Notices are Talkbook's own words: not searched.
 */
export function searchBody(cell: Cell): string | undefined {
  switch (cell.kind) {
    case 'user':
    case 'assistant':
      return cell.text.slice(0, MAX_SEARCH_CHARS);
    case 'code': {
      const parts = [cell.source];
      let length = cell.source.length;
      for (const output of cell.outputs) {
        if (length >= MAX_SEARCH_CHARS) break;
        const text = outputText(output);
        if (!text) continue;
        parts.push(text.slice(0, MAX_SEARCH_CHARS - length));
        length += text.length;
      }
      return parts.join('\n').slice(0, MAX_SEARCH_CHARS);
    }
    case 'notice':
      return undefined;
  }
}

function outputText(output: Output): string | undefined {
  switch (output.output_type) {
    case 'stream':
      return streamText([output.text.slice(0, MAX_SEARCH_CHARS)]);
    case 'display_data':
    case 'execute_result': {
      const plain = output.data['text/plain'];
      return typeof plain === 'string' ? plain : Array.isArray(plain) ? plain.join('') : undefined;
    }
    case 'error':
      return `${output.ename}: ${output.evalue}`;
  }
}

/** SQLite FTS5: `body : ("word"* "other"*)` (prefix terms, all of them, in the text column). */
export function ftsQuery(terms: readonly string[]): string {
  return `body : (${terms.map((term) => `"${term}"*`).join(' ')})`;
}

const ASCII = /^[\x00-\x7f]*$/;

/** Lower case without diacritics, as the FTS tokenizer stores tokens (`remove_diacritics 2`). */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Whether one search document holds every term as the start of a word, as the FTS query
 * `body : ("a"* "b"*)` decides (unicode61: letters, digits and private-use characters make
 * words, diacritics folded); the words that matched, or undefined. For checking a few
 * documents without the index, whose prefix queries cost the whole posting list of a common word.
 */
export function matchingWords(body: string, terms: readonly string[]): string[] | undefined {
  // Most documents lack a term: say so without splitting them (when folding cannot change them).
  if (ASCII.test(body)) {
    const lower = body.toLowerCase();
    if (!terms.every((term) => lower.includes(term))) return undefined;
  }
  const words = new Set(fold(body).match(/[\p{L}\p{N}\p{Co}]+/gu) ?? []);
  const found: string[] = [];
  for (const term of terms.map(fold)) {
    const hits = [...words].filter((word) => word.startsWith(term));
    if (hits.length === 0) return undefined;
    found.push(...hits);
  }
  return [...new Set(found)];
}

/** The FTS query for exactly these words (no prefixes): intersected by seeking, fast for a common word. */
export function ftsWordsQuery(words: readonly string[]): string {
  return `body : (${words.map((word) => `"${word.replace(/"/g, '""')}"`).join(' OR ')})`;
}

/** The same, in one conversation only (its id is an indexed column of the FTS table). */
export function ftsQueryIn(conversationId: string, terms: readonly string[]): string {
  return `conversation_id : "${conversationId.replace(/[^0-9a-zA-Z_-]/g, '')}" AND ${ftsQuery(terms)}`;
}

/** PostgreSQL `to_tsquery('simple', …)`: `word:* & other:*`. */
export function tsQuery(terms: readonly string[]): string {
  return terms.map((term) => `${term}:*`).join(' & ');
}
