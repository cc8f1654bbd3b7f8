import { z } from 'zod';

/**
 * What the kernel's talkbook_display extension says about a pandas DataFrame or Series
 * (kernel-config/startup/README.md): the first rows, capped, and the real totals. Untrusted data.
 */
export { TABLE_MIME } from '../../protocol.ts';

export const tableCell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const tableColumn = z.object({
  name: z.string(),
  dtype: z.string(),
  kind: z.enum(['number', 'boolean', 'datetime', 'string']),
  index: z.boolean(),
});

export const tableSpec = z
  .object({
    version: z.literal(1),
    kind: z.enum(['dataframe', 'series']),
    columns: z.array(tableColumn),
    rows: z.array(z.array(tableCell)),
    totalRows: z.number().int().nonnegative(),
    totalColumns: z.number().int().nonnegative(),
    truncated: z.boolean(),
  })
  .refine((table) => table.rows.every((row) => row.length === table.columns.length), 'every row has one cell per column');

export type TableCell = z.infer<typeof tableCell>;
export type TableColumn = z.infer<typeof tableColumn>;
export type TableSpec = z.infer<typeof tableSpec>;
