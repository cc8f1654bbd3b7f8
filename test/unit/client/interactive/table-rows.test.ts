import { describe, expect, it } from 'vitest';
import { compareCells, filterRows, floatDecimals, formatCell, nextSort, sortRows, visibleWindow } from '../../../../client/src/outputs/tables/table-rows.ts';
import { tableSpec, type TableColumn } from '../../../../client/src/outputs/tables/table-spec.ts';

const col = (kind: TableColumn['kind'], dtype: string): TableColumn => ({ name: 'c', dtype, kind, index: false });
const columns = [col('string', 'object'), col('number', 'float64')];
const rows = [
  ['item 10', 2.5],
  ['item 2', null],
  ['Apple', -1],
  ['banana', 10],
];

describe('table rows', () => {
  it('prints cells as pandas does', () => {
    expect(formatCell(null, col('number', 'float64'))).toBe('NaN');
    expect(formatCell(null, col('number', 'Int64'))).toBe('<NA>');
    expect(formatCell(null, col('datetime', 'datetime64[ns]'))).toBe('NaT');
    expect(formatCell(null, col('string', 'object'))).toBe('None');
    expect(formatCell(2, col('number', 'float64'))).toBe('2.0');
    expect(formatCell(true, col('boolean', 'bool'))).toBe('True');
    expect(formatCell('2024-01-01T10:00:00', col('datetime', 'datetime64[ns]'))).toBe('2024-01-01 10:00:00');
  });

  it('prints a float column with the decimals pandas would: six at most, shared trailing zeros dropped', () => {
    const stats = [[102.34666666666666, 81], [106.02727272727275, 88.8], [95.72608695652175, 65.1], [92.44999999999999, 98.025]];
    const float = col('number', 'float64');
    expect(floatDecimals(stats, 0)).toBe(6);
    expect(floatDecimals(stats, 1)).toBe(3);
    expect(stats.map((row) => formatCell(row[0]!, float, floatDecimals(stats, 0)))).toEqual(['102.346667', '106.027273', '95.726087', '92.450000']);
    expect(stats.map((row) => formatCell(row[1]!, float, floatDecimals(stats, 1)))).toEqual(['81.000', '88.800', '65.100', '98.025']);
    expect(formatCell(15, float, floatDecimals([[15], [22]], 0))).toBe('15.0');
    expect(formatCell(null, float, 3)).toBe('NaN');
    expect(formatCell(3, col('number', 'int64'), 3)).toBe('3');
    // What is shown is what a filter matches.
    expect(filterRows([[102.34666666666666]], [float], '102.346667')).toEqual([0]);
  });

  it('filters on any cell, case-insensitively', () => {
    expect(filterRows(rows, columns, 'ITEM')).toEqual([0, 1]);
    expect(filterRows(rows, columns, 'nan')).toEqual([1, 3]);
    expect(filterRows(rows, columns, '  ')).toEqual([0, 1, 2, 3]);
  });

  it('sorts numbers numerically and text naturally, missing values last either way', () => {
    const all = [0, 1, 2, 3];
    expect(sortRows(all, rows, { column: 1, direction: 'ascending' })).toEqual([2, 0, 3, 1]);
    expect(sortRows(all, rows, { column: 1, direction: 'descending' })).toEqual([3, 0, 2, 1]);
    expect(sortRows(all, rows, { column: 0, direction: 'ascending' })).toEqual([2, 3, 1, 0]);
    expect(sortRows(all, rows, undefined)).toEqual(all);
    expect(compareCells(1, 'a')).toBeLessThan(0);
  });

  it('cycles a header through ascending, descending and unsorted', () => {
    expect(nextSort(undefined, 2)).toEqual({ column: 2, direction: 'ascending' });
    expect(nextSort({ column: 2, direction: 'ascending' }, 2)).toEqual({ column: 2, direction: 'descending' });
    expect(nextSort({ column: 2, direction: 'descending' }, 2)).toBeUndefined();
    expect(nextSort({ column: 1, direction: 'descending' }, 2)).toEqual({ column: 2, direction: 'ascending' });
  });

  it('renders only the window of rows in view', () => {
    expect(visibleWindow(0, 420, 28, 1000)).toEqual({ start: 0, end: 23 });
    expect(visibleWindow(2800, 420, 28, 1000)).toEqual({ start: 92, end: 123 });
    expect(visibleWindow(1e9, 420, 28, 1000).end).toBe(1000);
  });

  it('validates the kernel table: one cell per column', () => {
    const base = { version: 1, kind: 'dataframe', columns: [col('number', 'int64')], totalRows: 1, totalColumns: 1, truncated: false };
    expect(tableSpec.safeParse({ ...base, rows: [[1]] }).success).toBe(true);
    expect(tableSpec.safeParse({ ...base, rows: [[1, 2]] }).success).toBe(false);
    expect(tableSpec.safeParse({ ...base, rows: [[{ html: '<b>' }]] }).success).toBe(false);
  });
});
