import type { StreamOutput as StreamOutputData } from '../protocol.ts';
import { LongText } from './long-text.tsx';

/** stdout / stderr, coloured, `\r` already applied by the state reducer. */
export function StreamOutput({ output }: { output: StreamOutputData }) {
  return <LongText text={output.text} className={`output-text stream-${output.name}`} />;
}
