import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { InspectResult } from './inspect-code.ts';

/**
 * The analyser of which names a cell assigns and mentions: the checkpoint engine's own
 * (`talkbook_checkpoint/names.py`, IPython syntax translated first, "every name" for `exec`,
 * `globals()`, star imports and magics that can assign). Sent with each request, so it works in
 * any Python kernel, sandboxed or behind a gateway.
 */
const namesSource = readFileSync(fileURLToPath(new URL('../../kernel-config/startup/talkbook_checkpoint/names.py', import.meta.url)), 'utf8');
const MARKER = '__talkbook_cell_names__';
const MAX_NAMES = 2000;

/** Python, run silently: the names `source` defines and reads, as JSON. */
export function cellNamesCode(source: string): string {
  return `
def __talkbook_cell_names(source):
    import json as _json
    rules = {"__name__": "talkbook_cell_names"}
    exec(${JSON.stringify(namesSource)}, rules)
    found = rules["analyze"](source)
    print(${JSON.stringify(MARKER)} + _json.dumps({"defines": sorted(found.assigned)[:${MAX_NAMES}], "reads": sorted(found.referenced)[:${MAX_NAMES}], "all": found.everything}))
try:
    __talkbook_cell_names(${JSON.stringify(source)})
finally:
    del __talkbook_cell_names
`;
}

export interface CellNames {
  defines: string[];
  reads: string[];
  /** The cell reaches the namespace out of the `ast`'s sight: it defines and reads every name. */
  all?: boolean;
}

const printed = z.object({ defines: z.array(z.string().max(300)), reads: z.array(z.string().max(300)), all: z.boolean() });

/** What `cellNamesCode` printed, or undefined (it failed, or the kernel's code replaced it). */
export function parseCellNames(result: InspectResult): CellNames | undefined {
  if (result.error) return undefined;
  const line = result.stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(MARKER));
  if (!line) return undefined;
  try {
    const parsed = printed.safeParse(JSON.parse(line.slice(MARKER.length)));
    if (!parsed.success) return undefined;
    return { defines: parsed.data.defines, reads: parsed.data.reads, ...(parsed.data.all ? { all: true } : {}) };
  } catch {
    return undefined;
  }
}
