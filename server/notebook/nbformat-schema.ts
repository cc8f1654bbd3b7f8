import { z } from 'zod';

/** nbformat's `multiline_string`: a string, or a list of lines to join. */
const multiline = z.union([z.string(), z.array(z.string())]).transform((value) => (Array.isArray(value) ? value.join('') : value));

const JSON_MIME = /^application\/(.*\+)?json$/;

/** A MIME bundle: `application/*json` values are any JSON, the rest multiline strings (joined). */
const mimeBundle = z.record(z.string(), z.unknown()).transform((bundle, ctx) => {
  const out: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(bundle)) {
    if (JSON_MIME.test(mime)) {
      out[mime] = value;
      continue;
    }
    const text = multiline.safeParse(value);
    if (!text.success) {
      ctx.addIssue({ code: 'custom', message: `the "${mime}" value must be a string or a list of strings`, path: [mime] });
      return z.NEVER;
    }
    out[mime] = text.data;
  }
  return out;
});

const metadata = z.record(z.string(), z.unknown());
const executionCount = z.number().int().min(0).nullable();

const output = z.discriminatedUnion('output_type', [
  z.object({ output_type: z.literal('stream'), name: z.string(), text: multiline }),
  z.object({ output_type: z.literal('display_data'), data: mimeBundle, metadata: metadata.default({}) }),
  z.object({ output_type: z.literal('execute_result'), data: mimeBundle, metadata: metadata.default({}), execution_count: executionCount }),
  z.object({ output_type: z.literal('error'), ename: z.string(), evalue: z.string(), traceback: z.array(z.string()) }),
]);

const cellId = z.string().regex(/^[a-zA-Z0-9-_]{1,64}$/, 'a cell id is 1–64 letters, digits, "-" or "_"');
const common = { id: cellId.optional(), metadata: metadata.default({}), source: multiline };

const cell = z.discriminatedUnion('cell_type', [
  z.object({ ...common, cell_type: z.literal('markdown'), attachments: z.unknown().optional() }),
  z.object({ ...common, cell_type: z.literal('raw'), attachments: z.unknown().optional() }),
  z.object({ ...common, cell_type: z.literal('code'), outputs: z.array(output), execution_count: executionCount }),
]);

/**
 * An nbformat v4 notebook (any minor version), checked as closely as Talkbook needs: the cell
 * and output unions with their required fields. Multiline strings arrive joined.
 */
export const notebookV4 = z.object({
  nbformat: z.literal(4),
  nbformat_minor: z.number().int().min(0),
  metadata: metadata.default({}),
  cells: z.array(cell),
});

export type NotebookV4 = z.infer<typeof notebookV4>;
export type NotebookV4Cell = NotebookV4['cells'][number];
export type NotebookV4Output = z.infer<typeof output>;
