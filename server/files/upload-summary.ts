import { z } from 'zod';
import type { InspectResult } from '../kernel/inspect-code.ts';
import { codeBlock, codeSpan } from './markdown-literal.ts';
import { splitExtension } from './safe-name.ts';

type TableKind = 'csv' | 'tsv' | 'excel' | 'json' | 'jsonl' | 'parquet';

const KINDS: Record<string, TableKind> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.xlsx': 'excel',
  '.xlsm': 'excel',
  '.xls': 'excel',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
};

/** Columns named in the notice; the rest are counted. */
export const MAX_LISTED_COLUMNS = 30;
const MARKER = '__talkbook_upload__';

/** Which pandas reader a file name calls for, if it looks like a table. */
export function tableKind(name: string): TableKind | undefined {
  return KINDS[splitExtension(name).extension.toLowerCase()];
}

/**
 * Python run silently in the kernel (cwd = the workspace) to summarize an uploaded table with
 * pandas: shape, dtypes, the first rows. Everything lives in a function that is deleted
 * afterwards, so the person's namespace is left as it was. Readers pandas lacks (no openpyxl,
 * no pyarrow) end as `ok: false` with the reason.
 */
export function uploadSummaryCode(name: string, kind: TableKind): string {
  return `
def __talkbook_upload_summary(path, kind):
    import json
    def report(value):
        print(${JSON.stringify(MARKER)} + json.dumps(value))
    try:
        import pandas as pd
    except Exception:
        return report({"ok": False, "error": "pandas is not installed in the kernel"})
    sheets = None
    try:
        if kind == "csv":
            df = pd.read_csv(path)
        elif kind == "tsv":
            df = pd.read_csv(path, sep="\\t")
        elif kind == "excel":
            book = pd.ExcelFile(path)
            sheets = [str(sheet) for sheet in book.sheet_names]
            df = book.parse(book.sheet_names[0])
        elif kind == "json":
            try:
                df = pd.read_json(path)
            except ValueError:
                df = pd.read_json(path, lines=True)
        elif kind == "jsonl":
            df = pd.read_json(path, lines=True)
        else:
            df = pd.read_parquet(path)
    except Exception as error:
        return report({"ok": False, "error": (type(error).__name__ + ": " + str(error))[:300]})
    with pd.option_context("display.width", 120, "display.max_columns", 12, "display.max_colwidth", 30):
        head = df.head(5).to_string()
    columns = [{"name": str(c), "dtype": str(t)} for c, t in list(zip(df.columns, df.dtypes))[:${MAX_LISTED_COLUMNS}]]
    report({"ok": True, "rows": int(df.shape[0]), "columns": int(df.shape[1]), "dtypes": columns, "head": head[:3000], "sheets": sheets})
try:
    __talkbook_upload_summary(${JSON.stringify(name)}, ${JSON.stringify(kind)})
finally:
    del __talkbook_upload_summary
`;
}

const summary = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    rows: z.number().int(),
    columns: z.number().int(),
    dtypes: z.array(z.object({ name: z.string(), dtype: z.string() })),
    head: z.string(),
    sheets: z.array(z.string()).nullable(),
  }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type UploadSummary = z.infer<typeof summary>;

/** The summary the code printed, or undefined when it did not run as planned. */
export function parseUploadSummary(result: InspectResult): UploadSummary | undefined {
  const line = result.stdout.split('\n').find((candidate) => candidate.startsWith(MARKER));
  if (!line) return undefined;
  try {
    const parsed = summary.safeParse(JSON.parse(line.slice(MARKER.length)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The notice text: always name and size; for a table that was read, shape, dtypes and first rows. */
export function uploadNoticeText(name: string, size: number, table?: UploadSummary | 'timeout'): string {
  // Everything that comes from the file is shown as code: a column named [x](http://…) stays text.
  const head = `Uploaded ${codeSpan(name)} (${formatSize(size)}) to the kernel's working folder`;
  if (!table) return `${head}.`;
  if (table === 'timeout') return `${head}. Reading it as a table took longer than ${UPLOAD_SUMMARY_TIMEOUT_MS / 1000} s, so Talkbook stopped; the file is there to read in a cell.`;
  if (!table.ok) return `${head}. pandas could not read it as a table (${codeSpan(table.error.replace(/\s+/g, ' ').trim())}).`;
  const listed = table.dtypes.map((column) => `${codeSpan(column.name)} (${plainDtype(column.dtype)})`).join(', ');
  const more = table.columns > table.dtypes.length ? `, … and ${table.columns - table.dtypes.length} more` : '';
  const sheet =
    table.sheets && table.sheets.length > 1
      ? ` (first sheet ${codeSpan(table.sheets[0]!)} of ${table.sheets.length}: ${table.sheets.map(codeSpan).join(', ')})`
      : '';
  return [`${head} — ${table.rows} rows × ${table.columns} columns${sheet}: ${listed}${more}.`, 'First rows:', codeBlock(table.head)].join('\n');
}

/** How long the kernel may take to read an uploaded table for its notice. */
export const UPLOAD_SUMMARY_TIMEOUT_MS = 15_000;

/**
 * The notice for an upload: tables are summarized by the kernel through `inspect` (a silent
 * execution); anything else, or a kernel that cannot run the summary, gets name and size only.
 */
export async function describeUpload(
  name: string,
  size: number,
  inspect: (code: string, options: { timeoutMs: number }) => Promise<InspectResult>,
): Promise<string> {
  const kind = tableKind(name);
  if (!kind) return uploadNoticeText(name, size);
  // A table that takes the kernel long to read (a decompression bomb) must not hold the conversation.
  const result = await inspect(uploadSummaryCode(name, kind), { timeoutMs: UPLOAD_SUMMARY_TIMEOUT_MS }).catch(() => undefined);
  if (result?.error?.ename === 'Timeout') return uploadNoticeText(name, size, 'timeout');
  return uploadNoticeText(name, size, result ? parseUploadSummary(result) : undefined);
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? Math.round(value * 10) / 10 : Math.round(value)} ${units[unit]}`;
}

/** A pandas dtype as plain text (`int64`, `datetime64[ns]`); anything else about it as code. */
function plainDtype(dtype: string): string {
  return /^[\w[\], ]{1,40}$/.test(dtype) ? dtype : codeSpan(dtype);
}
