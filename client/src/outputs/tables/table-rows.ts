import type { TableCell, TableColumn } from './table-spec.ts';

export type SortDirection = 'ascending' | 'descending';
export interface TableSort {
  column: number;
  direction: SortDirection;
}

/**
 * The decimals pandas prints a float column with (`display.precision` 6): each value to 6
 * decimals, then the trailing zeros every value shares dropped, at least one kept. So
 * 102.34666666 becomes 102.346667 and 92.44999999 in a column of 98.025 becomes 92.450. Pure.
 */
export function floatDecimals(rows: readonly (readonly TableCell[])[], column: number): number {
  let decimals = 1;
  for (const row of rows) {
    const value = row[column];
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) >= 1e16) continue;
    const fixed = value.toFixed(6).replace(/0+$/, '');
    decimals = Math.max(decimals, fixed.length - fixed.indexOf('.') - 1);
    if (decimals === 6) break;
  }
  return decimals;
}

/**
 * A cell as text, the way pandas prints it (NaN, NaT, None for missing values). `decimals` is
 * the float column's `floatDecimals`; without it a float prints in full.
 */
export function formatCell(value: TableCell, column: TableColumn, decimals?: number): string {
  if (value === null) {
    if (column.kind === 'datetime') return 'NaT';
    if (column.kind === 'number' && /float/i.test(column.dtype)) return 'NaN';
    return column.kind === 'number' ? '<NA>' : 'None';
  }
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') {
    if (!/float/i.test(column.dtype)) return String(value);
    if (decimals !== undefined && Number.isFinite(value) && Math.abs(value) < 1e16) return value.toFixed(decimals);
    return Number.isInteger(value) ? value.toFixed(1) : String(value);
  }
  if (column.kind === 'datetime') return value.replace('T', ' ');
  return value;
}

/**
 * The positions of the rows that contain `query` (case-insensitive) in any cell's text, in
 * table order. An empty query keeps every row. Pure.
 */
export function filterRows(rows: readonly (readonly TableCell[])[], columns: readonly TableColumn[], query: string): number[] {
  const needle = query.trim().toLowerCase();
  const all = rows.map((_, index) => index);
  if (!needle) return all;
  const decimals = columnDecimals(rows, columns);
  return all.filter((index) => rows[index]!.some((cell, column) => formatCell(cell, columns[column]!, decimals[column]).toLowerCase().includes(needle)));
}

/** `floatDecimals` of every float column (undefined for the others). Pure. */
export function columnDecimals(rows: readonly (readonly TableCell[])[], columns: readonly TableColumn[]): (number | undefined)[] {
  return columns.map((column, index) => (/float/i.test(column.dtype) ? floatDecimals(rows, index) : undefined));
}

/** Orders row positions by one column; missing values last in both directions; stable. Pure. */
export function sortRows(positions: readonly number[], rows: readonly (readonly TableCell[])[], sort: TableSort | undefined): number[] {
  if (!sort) return [...positions];
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...positions].sort((a, b) => {
    const left = rows[a]![sort.column] ?? null;
    const right = rows[b]![sort.column] ?? null;
    if (left === null || right === null) return left === right ? a - b : left === null ? 1 : -1;
    return sign * compareCells(left, right) || a - b;
  });
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Numbers numerically, then booleans, then text (naturally: "item 2" before "item 10"). */
export function compareCells(left: Exclude<TableCell, null>, right: Exclude<TableCell, null>): number {
  const rank = (cell: Exclude<TableCell, null>) => (typeof cell === 'number' ? 0 : typeof cell === 'boolean' ? 1 : 2);
  if (rank(left) !== rank(right)) return rank(left) - rank(right);
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  if (typeof left === 'boolean' && typeof right === 'boolean') return Number(left) - Number(right);
  return collator.compare(String(left), String(right));
}

/** The next sort when a column's header is clicked: ascending, descending, then unsorted. */
export function nextSort(current: TableSort | undefined, column: number): TableSort | undefined {
  if (current?.column !== column) return { column, direction: 'ascending' };
  return current.direction === 'ascending' ? { column, direction: 'descending' } : undefined;
}

/** The rows to render for a scrolled window of fixed-height rows, with a few spare on each side. */
export function visibleWindow(scrollTop: number, viewportHeight: number, rowHeight: number, count: number, overscan = 8): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const shown = Math.ceil(Math.max(viewportHeight, rowHeight) / rowHeight);
  return { start: Math.max(0, first - overscan), end: Math.min(count, first + shown + overscan) };
}
