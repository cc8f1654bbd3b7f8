import type { KernelSession } from './kernel-session.ts';

/** The result of a silent execution: nothing is shown in the conversation or stored. */
export interface InspectResult {
  stdout: string;
  stderr: string;
  /** `text/plain` of the execute_result, if any. */
  result?: string;
  error?: { ename: string; evalue: string };
}

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
