import { z } from 'zod';
import type { ToolCall, ToolDefinition } from '../llm/index.ts';

export const RUN_CODE_TOOL = 'run_code';

export function runCodeTool(languageLabel: string): ToolDefinition {
  return {
    name: RUN_CODE_TOOL,
    description:
      `Run ${languageLabel} code in this conversation's persistent Jupyter kernel. Variables, imports and ` +
      'files persist between calls and across turns. Returns stdout, stderr, the value of the last ' +
      'expression and any error with its traceback. Plots, tables and other rich outputs are shown to the ' +
      'person; you get a one-line description of each.',
    parameters: {
      type: 'object',
      properties: { code: { type: 'string', description: `The ${languageLabel} code to run.` } },
      required: ['code'],
      additionalProperties: false,
    },
  };
}

export const UNDO_TOOL = 'undo_last_cell';

/** Undo the conversation's last code cell (kernel checkpoints, issue 19). */
export function undoTool(): ToolDefinition {
  return {
    name: UNDO_TOOL,
    description:
      'Undo the last code cell of this conversation: the kernel goes back to the checkpoint saved before it ' +
      '(its variables, and the workspace files it created, changed or deleted). Use it when your last step ' +
      'damaged the data (dropped rows it should not have, overwrote a variable or a file). The cell stays in ' +
      'the history, marked undone. Returns what came back.',
    parameters: { type: 'object', properties: {}, additionalProperties: false },
  };
}

const runCodeArguments = z.object({ code: z.string() });

export type ParsedToolCall = { ok: true; code: string } | { ok: false; problem: string };

const EXAMPLE = `{"code": "print(1 + 1)"}`;

/**
 * Reads the code out of a `run_code` call. Accepts the specified `{"code": "…"}`, and, leniently,
 * a JSON string or raw code that does not look like JSON at all (some local models send the code
 * bare). Anything else (unknown tool, broken JSON, no `code`) is a problem the model is told
 * about in the tool message so it can call again; nothing runs.
 */
export function parseRunCodeCall(call: ToolCall): ParsedToolCall {
  if (call.name !== RUN_CODE_TOOL) {
    return {
      ok: false,
      problem: `There is no tool named "${call.name}". The tools are ${RUN_CODE_TOOL}, called with ${EXAMPLE}, and ${UNDO_TOOL}. Nothing was run.`,
    };
  }
  const raw = call.arguments.trim();
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    if (raw && !/^[{["]/.test(raw)) return { ok: true, code: call.arguments };
    const reason = err instanceof Error ? err.message : String(err);
    return {
      ok: false,
      problem: `The arguments of ${RUN_CODE_TOOL} were not valid JSON (${reason}). Call ${RUN_CODE_TOOL} again with a JSON object like ${EXAMPLE}, escaping newlines and quotes in the code. Nothing was run.`,
    };
  }
  if (typeof json === 'string') return nonEmpty(json);
  const parsed = runCodeArguments.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      problem: `The arguments of ${RUN_CODE_TOOL} must be a JSON object with a string field "code", like ${EXAMPLE}; got ${truncate(raw)}. Nothing was run.`,
    };
  }
  return nonEmpty(parsed.data.code);
}

function nonEmpty(code: string): ParsedToolCall {
  if (!code.trim()) return { ok: false, problem: `The "code" argument of ${RUN_CODE_TOOL} was empty. Nothing was run.` };
  return { ok: true, code };
}

function truncate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text || '(nothing)';
}
