import { appendStreamChunk, assertNever, EMPTY_STREAM, type CodeCell, type ErrorOutput, type Output, type StreamText } from '../protocol/index.ts';
import { describeBundle, type ResultImage } from './describe-bundle.ts';
import { cutMiddle, stripAnsi } from './text-budget.ts';

export interface SummarizeOptions {
  /** Longest text the model gets for one cell, in characters; head and tail are kept. */
  budget: number;
  /** Traceback lines kept from the end of an error. Default 12. */
  tracebackLines?: number;
  /** Most images returned for vision. Default 4. */
  maxImages?: number;
}

export interface CellSummary {
  text: string;
  /** PNG/JPEG outputs, for models that can look at images. */
  images: ResultImage[];
}

export type SummarizableCell = Pick<CodeCell, 'status' | 'outputs'> &
  Partial<Pick<CodeCell, 'failure' | 'outputTruncated'>>;

/**
 * What the model sees of a finished code cell: its streams, the `text/plain` of its results,
 * rich outputs described in a line, errors as `ename: evalue` and the end of the traceback,
 * all without ANSI codes and cut to `budget`. Pure.
 */
export function summarizeCodeCell(cell: SummarizableCell, options: SummarizeOptions): CellSummary {
  const parts: string[] = [];
  const images: ResultImage[] = [];
  let stream: { name: 'stdout' | 'stderr'; acc: StreamText } | undefined;
  const flushStream = () => {
    if (stream && stream.acc.text) {
      const text = stripAnsi(stream.acc.text);
      parts.push(stream.name === 'stderr' ? `[stderr]\n${text}` : text);
    }
    stream = undefined;
  };
  for (const output of cell.outputs) {
    if (output.output_type === 'stream') {
      if (stream?.name !== output.name) flushStream();
      stream ??= { name: output.name, acc: EMPTY_STREAM };
      stream.acc = appendStreamChunk(stream.acc, output.text);
      continue;
    }
    flushStream();
    const described = describeOutput(output, options.tracebackLines ?? 12);
    if (described.text) parts.push(described.text);
    images.push(...described.images);
  }
  flushStream();
  parts.push(...statusNotes(cell));
  const body = parts.map((part) => part.replace(/\n+$/, '')).join('\n');
  return {
    text: cutMiddle(body || '(no output)', options.budget),
    images: images.slice(0, options.maxImages ?? 4),
  };
}

function describeOutput(output: Exclude<Output, { output_type: 'stream' }>, tracebackLines: number) {
  switch (output.output_type) {
    case 'execute_result': {
      const { lines, images } = describeBundle(output.data);
      const label = output.execution_count === null ? 'Out:' : `Out[${output.execution_count}]:`;
      const text = lines.join('\n');
      return { text: text.includes('\n') ? `${label}\n${text}` : `${label} ${text}`, images };
    }
    case 'display_data': {
      const { lines, images } = describeBundle(output.data);
      return { text: lines.join('\n'), images };
    }
    case 'error':
      return { text: describeError(output, tracebackLines), images: [] };
    default:
      return assertNever(output);
  }
}

function describeError(error: ErrorOutput, keep: number): string {
  const headline = `${error.ename}: ${stripAnsi(error.evalue)}`;
  const lines = error.traceback
    .flatMap((entry) => stripAnsi(entry).split('\n'))
    .filter((line) => line.trim() !== '' && !/^-{20,}$/.test(line.trim()));
  const last = lines[lines.length - 1];
  if (last !== undefined && (last.trim() === headline.trim() || last.startsWith(`${error.ename}:`))) lines.pop();
  if (!lines.length) return headline;
  const tail = lines.slice(-keep);
  const which = tail.length < lines.length ? `last ${tail.length} of ${lines.length} lines` : 'most recent call last';
  return `${headline}\nTraceback (${which}):\n${tail.join('\n')}`;
}

function statusNotes(cell: SummarizableCell): string[] {
  const notes: string[] = [];
  if (cell.outputTruncated) notes.push('[Talkbook stored only the first part of this output; the rest was dropped.]');
  if (cell.failure) notes.push(`[The run failed: ${cell.failure}]`);
  switch (cell.status) {
    case 'ok':
    case 'error':
      break;
    case 'interrupted':
      notes.push('[The run was interrupted before it finished.]');
      break;
    case 'queued':
    case 'running':
      notes.push('[The run did not finish.]');
      break;
    default:
      assertNever(cell.status);
  }
  return notes;
}
