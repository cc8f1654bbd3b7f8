import type { ErrorOutput as ErrorOutputData } from '../protocol.ts';
import { LongText } from './long-text.tsx';

/** A kernel error: the coloured traceback IPython formatted, or `ename: evalue` without one. */
export function ErrorOutput({ output }: { output: ErrorOutputData }) {
  const text = output.traceback.length
    ? output.traceback.join('\n')
    : `${output.ename}: ${output.evalue}`;
  return <LongText text={text} className="output-text output-traceback" />;
}
