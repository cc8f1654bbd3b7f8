import { assertNever, type Output } from '../protocol.ts';
import { ErrorOutput } from './error-output.tsx';
import { RichOutput } from './rich-output.tsx';
import { StreamOutput } from './stream-output.tsx';

/** One nbformat output, routed to the component for its kind. */
export function OutputView({ output }: { output: Output }) {
  switch (output.output_type) {
    case 'stream':
      return <StreamOutput output={output} />;
    case 'error':
      return <ErrorOutput output={output} />;
    case 'display_data':
    case 'execute_result':
      return <RichOutput output={output} />;
    default:
      return assertNever(output);
  }
}
