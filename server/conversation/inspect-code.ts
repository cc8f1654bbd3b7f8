import type { KernelSession } from '../kernel/kernel-session.ts';
import type { InspectResult } from './turn-context.ts';

/**
 * Run code silently (no cell, no history, no execution count) and collect what it printed, its
 * `text/plain` result and its error, e.g. to gather the assistant's context.
 */
export async function inspectCode(session: KernelSession, code: string): Promise<InspectResult> {
  const result: InspectResult = { stdout: '', stderr: '' };
  await session.execute(code, {
    silent: true,
    onEvent: (event) => {
      if (event.kind !== 'output') return;
      const output = event.output;
      switch (output.output_type) {
        case 'stream':
          result[output.name] += output.text;
          return;
        case 'execute_result':
        case 'display_data': {
          const text = output.data['text/plain'];
          if (typeof text === 'string') result.result = (result.result ?? '') + text;
          return;
        }
        case 'error':
          result.error = { ename: output.ename, evalue: output.evalue };
          return;
      }
    },
  });
  return result;
}
