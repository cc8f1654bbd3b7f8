import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  describeUpload,
  formatSize,
  parseUploadSummary,
  tableKind,
  uploadNoticeText,
  uploadSummaryCode,
} from '../../../server/files/upload-summary.ts';

const PYTHON = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'talkbook-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run the summary code as the kernel would (cwd = workspace), then list what it left behind. */
function runInPython(name: string): { stdout: string; leftovers: string[] } {
  const kind = tableKind(name)!;
  const code = `${uploadSummaryCode(name, kind)}\nprint("__globals__", sorted(k for k in globals() if not k.startswith("__") or k.startswith("__talkbook")))`;
  const stdout = execFileSync(PYTHON, ['-c', code], { cwd: dir, encoding: 'utf8' });
  const line = stdout.split('\n').find((l) => l.startsWith('__globals__')) ?? '';
  return { stdout, leftovers: JSON.parse(line.slice('__globals__ '.length).replace(/'/g, '"')) as string[] };
}

describe('upload summary', () => {
  it('knows which files are tables', () => {
    expect(tableKind('sales.CSV')).toBe('csv');
    expect(tableKind('x.tsv')).toBe('tsv');
    expect(tableKind('book.xlsx')).toBe('excel');
    expect(tableKind('rows.jsonl')).toBe('jsonl');
    expect(tableKind('t.parquet')).toBe('parquet');
    expect(tableKind('photo.png')).toBeUndefined();
  });

  it('summarizes a CSV with pandas: shape, dtypes, first rows, and leaves no names behind', () => {
    writeFileSync(join(dir, 'sales "q1".csv'), 'date,revenue,region,units\n2024-01-01,10.5,north,3\n2024-01-02,7.25,south,4\n2024-01-03,1.0,east,5\n');
    const { stdout, leftovers } = runInPython('sales "q1".csv');
    const summary = parseUploadSummary({ stdout, stderr: '' });
    expect(summary).toMatchObject({ ok: true, rows: 3, columns: 4 });
    if (!summary?.ok) return;
    expect(summary.dtypes).toEqual([
      { name: 'date', dtype: 'object' },
      { name: 'revenue', dtype: 'float64' },
      { name: 'region', dtype: 'object' },
      { name: 'units', dtype: 'int64' },
    ]);
    expect(summary.head).toContain('north');
    expect(leftovers).toEqual([]);
    const text = uploadNoticeText('sales "q1".csv', 2048, summary);
    expect(text).toContain('Uploaded `sales "q1".csv` (2 KB)');
    expect(text).toContain('3 rows × 4 columns: `date` (object), `revenue` (float64), `region` (object), `units` (int64).');
    expect(text).toContain('First rows:\n```\n');
  });

  it('reads JSON records and Excel (openpyxl), and reports what pandas cannot read', () => {
    writeFileSync(join(dir, 'records.json'), JSON.stringify([{ a: 1, b: 'x' }, { a: 2, b: 'y' }]));
    expect(parseUploadSummary({ stdout: runInPython('records.json').stdout, stderr: '' })).toMatchObject({ ok: true, rows: 2, columns: 2 });
    execFileSync(PYTHON, ['-c', "import pandas as pd; pd.DataFrame({'k': [1, 2, 3]}).to_excel('book.xlsx', index=False)"], { cwd: dir });
    expect(parseUploadSummary({ stdout: runInPython('book.xlsx').stdout, stderr: '' })).toMatchObject({ ok: true, rows: 3, columns: 1 });
    writeFileSync(join(dir, 'broken.parquet'), 'not parquet');
    const failed = parseUploadSummary({ stdout: runInPython('broken.parquet').stdout, stderr: '' });
    expect(failed?.ok).toBe(false);
    expect(uploadNoticeText('broken.parquet', 11, failed)).toMatch(/^Uploaded `broken.parquet` \(11 bytes\) to the kernel's working folder\. pandas could not read it as a table \(.+\)\.$/);
  });

  it('names only file and size for other files or when the kernel cannot answer', async () => {
    const inspect = () => Promise.reject(new Error('no kernel'));
    expect(await describeUpload('photo.png', 5 * 1024 * 1024, inspect)).toBe("Uploaded `photo.png` (5 MB) to the kernel's working folder.");
    expect(await describeUpload('data.csv', 10, inspect)).toBe("Uploaded `data.csv` (10 bytes) to the kernel's working folder.");
    expect(await describeUpload('data.csv', 10, async () => ({ stdout: 'SyntaxError', stderr: '' }))).toBe(
      "Uploaded `data.csv` (10 bytes) to the kernel's working folder.",
    );
  });

  it('formats sizes', () => {
    expect(formatSize(0)).toBe('0 bytes');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(12 * 1024)).toBe('12 KB');
    expect(formatSize(250 * 1024 * 1024)).toBe('250 MB');
  });
});
