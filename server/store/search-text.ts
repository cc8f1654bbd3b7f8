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

/** The same, in one conversation only (its id is an indexed column of the FTS table). */
export function ftsQueryIn(conversationId: string, terms: readonly string[]): string {
  return `conversation_id : "${conversationId.replace(/[^0-9a-zA-Z_-]/g, '')}" AND ${ftsQuery(terms)}`;
}

/** PostgreSQL `to_tsquery('simple', …)`: `word:* & other:*`. */
export function tsQuery(terms: readonly string[]): string {
  return terms.map((term) => `${term}:*`).join(' & ');
}
