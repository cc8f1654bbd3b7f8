import { z } from 'zod';

/** A MIME bundle: `text/plain` → string, `application/json` → any JSON value, … */
export const mimeBundle = z.record(z.string(), z.unknown());
export type MimeBundle = z.infer<typeof mimeBundle>;

const metadata = z.record(z.string(), z.unknown());

/** Jupyter keeps `display_id` in `transient`; nbformat does not store it, export drops it. */
const transient = z.object({ display_id: z.string().optional() }).loose();

export const streamOutput = z.object({
  output_type: z.literal('stream'),
  name: z.enum(['stdout', 'stderr']),
  text: z.string(),
});

export const displayDataOutput = z.object({
  output_type: z.literal('display_data'),
  data: mimeBundle,
  metadata: metadata.default({}),
  transient: transient.optional(),
});

export const executeResultOutput = z.object({
  output_type: z.literal('execute_result'),
  execution_count: z.number().int().nullable(),
  data: mimeBundle,
  metadata: metadata.default({}),
  transient: transient.optional(),
});

export const errorOutput = z.object({
  output_type: z.literal('error'),
  ename: z.string(),
  evalue: z.string(),
  traceback: z.array(z.string()),
});

/** The nbformat v4 output union, as stored, sent and exported. */
export const output = z.discriminatedUnion('output_type', [
  streamOutput,
  displayDataOutput,
  executeResultOutput,
  errorOutput,
]);

export type StreamOutput = z.infer<typeof streamOutput>;
export type DisplayDataOutput = z.infer<typeof displayDataOutput>;
export type ExecuteResultOutput = z.infer<typeof executeResultOutput>;
export type ErrorOutput = z.infer<typeof errorOutput>;
export type Output = z.infer<typeof output>;
