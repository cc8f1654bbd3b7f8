import { z } from 'zod';
import { jsonDepthWithin, MAX_JSON_DEPTH, type Output } from '../protocol/index.ts';

/** What one iopub message means for the cell it belongs to. */
export type IopubEvent =
  | { kind: 'output'; output: Output }
  | { kind: 'clear'; wait: boolean }
  | { kind: 'update-display'; displayId: string; output: Output }
  | { kind: 'execution-count'; executionCount: number }
  | { kind: 'ignore' };

const bundle = z.record(z.string(), z.unknown());
const metadata = z.record(z.string(), z.unknown()).catch({});
const transient = z.object({ display_id: z.string().optional() }).loose().optional().catch(undefined);

const stream = z.object({ name: z.enum(['stdout', 'stderr']), text: z.string() });
const display = z.object({ data: bundle, metadata: metadata.optional(), transient });
const result = display.extend({ execution_count: z.number().int().nullable().catch(null) });
const error = z.object({ ename: z.string(), evalue: z.string(), traceback: z.array(z.string()).catch([]) });
const clear = z.object({ wait: z.boolean().catch(false) });
const input = z.object({ execution_count: z.number().int() });

/**
 * Map an iopub message (type + content) to the nbformat v4 output it stands for, as
 * JupyterLab's output area does (`{...content, output_type}`). Unknown or malformed messages
 * are ignored rather than trusted.
 */
export function iopubToEvent(msgType: string, content: unknown): IopubEvent {
  if ((msgType === 'display_data' || msgType === 'execute_result' || msgType === 'update_display_data') && !jsonDepthWithin(content, MAX_JSON_DEPTH + 4)) {
    // Kept, it would overflow the stack of whatever serializes it next (the store, a socket).
    return { kind: 'output', output: { output_type: 'stream', name: 'stderr', text: `[Talkbook dropped an output nested more than ${MAX_JSON_DEPTH} levels deep.]\n` } };
  }
  switch (msgType) {
    case 'stream': {
      const c = stream.safeParse(content);
      return c.success ? { kind: 'output', output: { output_type: 'stream', name: c.data.name, text: c.data.text } } : ignore;
    }
    case 'display_data': {
      const c = display.safeParse(content);
      if (!c.success) return ignore;
      return { kind: 'output', output: withTransient({ output_type: 'display_data', data: c.data.data, metadata: c.data.metadata ?? {} }, c.data.transient) };
    }
    case 'update_display_data': {
      const c = display.safeParse(content);
      const displayId = c.success ? c.data.transient?.display_id : undefined;
      if (!c.success || !displayId) return ignore;
      return {
        kind: 'update-display',
        displayId,
        output: withTransient({ output_type: 'display_data', data: c.data.data, metadata: c.data.metadata ?? {} }, c.data.transient),
      };
    }
    case 'execute_result': {
      const c = result.safeParse(content);
      if (!c.success) return ignore;
      return {
        kind: 'output',
        output: withTransient(
          { output_type: 'execute_result', execution_count: c.data.execution_count, data: c.data.data, metadata: c.data.metadata ?? {} },
          c.data.transient,
        ),
      };
    }
    case 'error': {
      const c = error.safeParse(content);
      return c.success ? { kind: 'output', output: { output_type: 'error', ...c.data } } : ignore;
    }
    case 'clear_output': {
      const c = clear.safeParse(content);
      return { kind: 'clear', wait: c.success ? c.data.wait : false };
    }
    case 'execute_input': {
      const c = input.safeParse(content);
      return c.success ? { kind: 'execution-count', executionCount: c.data.execution_count } : ignore;
    }
    default:
      return ignore;
  }
}

const ignore: IopubEvent = { kind: 'ignore' };

function withTransient<O extends Output & { output_type: 'display_data' | 'execute_result' }>(
  output: O,
  transient: { display_id?: string | undefined } | undefined,
): O {
  return transient?.display_id ? { ...output, transient: { display_id: transient.display_id } } : output;
}
