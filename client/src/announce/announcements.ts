import type { Cell, CodeCell } from '../protocol.ts';

/** Answers longer than this are cut in what is read out (the cell itself has all of it). */
const MAX_ANSWER_CHARS = 300;

const finished = (cell: CodeCell) => cell.status === 'ok' || cell.status === 'error' || cell.status === 'interrupted';

/**
 * What a screen reader should hear after the conversation changed from `before` to `after`:
 * each code cell that finished since, and — once a turn ended, given the cells as they were
 * when it started (`turnStart`) — the assistant's answer written in it. Never the streamed
 * tokens one by one. Pure, so it is tested without a page.
 */
export function announcements(before: readonly Cell[], after: readonly Cell[], turnStart?: readonly Cell[]): string[] {
  const earlier = new Map(before.map((cell) => [cell.id, cell]));
  const said: string[] = [];
  for (const cell of after) {
    if (cell.kind !== 'code' || !finished(cell)) continue;
    const was = earlier.get(cell.id);
    if (was?.kind === 'code' && finished(was) && was.executionCount === cell.executionCount) continue;
    said.push(`${cellName(cell)}: ${outcome(cell)}.`);
  }
  if (turnStart) {
    const answer = [...after].reverse().find((cell) => cell.kind === 'assistant');
    const was = answer && turnStart.find((cell) => cell.id === answer.id);
    if (answer?.kind === 'assistant' && answer.text.trim() && !(was?.kind === 'assistant' && was.text === answer.text)) {
      said.push(`The assistant answered: ${plainText(answer.text)}`);
    }
  }
  return said;
}

function cellName(cell: CodeCell): string {
  const count = cell.executionCount === null ? '' : ` [${cell.executionCount}]`;
  return cell.author === 'user' ? `Your cell${count}` : `The assistant’s cell${count}`;
}

function outcome(cell: CodeCell): string {
  switch (cell.status) {
    case 'ok':
      return 'done';
    case 'interrupted':
      return 'interrupted';
    default: {
      const error = cell.outputs.find((output) => output.output_type === 'error');
      if (error?.output_type === 'error') return `error, ${error.ename}${error.evalue ? `: ${error.evalue}` : ''}`;
      return cell.failure ? `error, ${cell.failure}` : 'error';
    }
  }
}

/** Markdown as it reads aloud: no emphasis marks, code fences or link targets; cut to a sentence or so. */
export function plainText(markdown: string): string {
  const text = markdown
    .replace(/```[\s\S]*?```/g, ' (code) ')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`#>|~]/g, '')
    .replace(/\$+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > MAX_ANSWER_CHARS ? `${text.slice(0, MAX_ANSWER_CHARS - 1).trimEnd()}…` : text;
}
