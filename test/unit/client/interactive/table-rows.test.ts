import { describe, expect, it } from 'vitest';
import { compareCells, filterRows, formatCell, nextSort, sortRows, visibleWindow } from '../../../../client/src/outputs/tables/table-rows.ts';
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
