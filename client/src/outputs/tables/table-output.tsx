import { useDeferredValue, useMemo, useState, type ReactNode, type UIEvent } from 'react';
import { columnDecimals, filterRows, formatCell, nextSort, sortRows, visibleWindow, type TableSort } from './table-rows.ts';
import { tableSpec, type TableSpec } from './table-spec.ts';
import '../../styles/interactive-outputs.css';

/** Rows are this tall (CSS keeps them on one line), so only the visible ones are rendered. */
const ROW_HEIGHT = 28;
/** The scrolling body is at most this tall. */
const VIEWPORT_HEIGHT = 420;

/**
 * A pandas DataFrame or Series: sortable columns (click a header), a filter over every cell,
 * and only the visible rows in the DOM, so thousands stay fast. The footer says how many rows
 * the kernel did not send. Invalid data shows the `fallback` (pandas' own HTML) instead.
 */
export function TableOutput({ value, fallback }: { value: unknown; fallback: ReactNode }) {
  const parsed = useMemo(() => tableSpec.safeParse(value), [value]);
  if (!parsed.success) {
    if (fallback) return <>{fallback}</>;
    throw new Error('the table data is not valid');
  }
  return <InteractiveTable table={parsed.data} />;
}

function InteractiveTable({ table }: { table: TableSpec }) {
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<TableSort | undefined>(undefined);
  const [scrollTop, setScrollTop] = useState(0);
  const deferredQuery = useDeferredValue(query);
  const decimals = useMemo(() => columnDecimals(table.rows, table.columns), [table]);
  const order = useMemo(
    () => sortRows(filterRows(table.rows, table.columns, deferredQuery), table.rows, sort),
    [table, deferredQuery, sort],
  );
  const { start, end } = visibleWindow(scrollTop, VIEWPORT_HEIGHT, ROW_HEIGHT, order.length);
  const onScroll = (event: UIEvent<HTMLDivElement>) => setScrollTop(event.currentTarget.scrollTop);
  const beyond = table.totalRows - table.rows.length;
  const hiddenColumns = table.totalColumns - table.columns.filter((column) => !column.index).length;

  return (
    <div className="table-output">
      <div className="table-toolbar">
        <input
          type="search"
          className="table-filter"
          placeholder="Filter rows"
          aria-label="Filter rows"
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setScrollTop(0);
          }}
        />
        <span className="table-count">
          {deferredQuery.trim() ? `${order.length.toLocaleString()} of ${table.rows.length.toLocaleString()} rows match` : `${table.totalRows.toLocaleString()} rows × ${table.totalColumns.toLocaleString()} columns`}
        </span>
      </div>
      <div className="table-scroll" style={{ maxHeight: VIEWPORT_HEIGHT }} onScroll={onScroll}>
        <table>
          <thead>
            <tr>
              {table.columns.map((column, index) => (
                <th
                  key={index}
                  scope="col"
                  className={`${column.kind === 'number' ? 'numeric' : ''}${column.index ? ' index' : ''}`}
                  aria-sort={sort?.column === index ? sort.direction : 'none'}
                >
                  <button type="button" onClick={() => setSort((current) => nextSort(current, index))} title={`${column.dtype} · sort`}>
                    {column.name || (column.index ? '' : ' ')}
                    <span className="table-sort" aria-hidden="true">
                      {sort?.column === index ? (sort.direction === 'ascending' ? '▲' : '▼') : ''}
                    </span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {start > 0 ? <tr className="table-spacer" style={{ height: start * ROW_HEIGHT }} aria-hidden="true" /> : null}
            {order.slice(start, end).map((position, offset) => (
              <tr key={position} className={(start + offset) % 2 ? 'stripe' : undefined} style={{ height: ROW_HEIGHT }}>
                {table.rows[position]!.map((cell, column) => {
                  const spec = table.columns[column]!;
                  const text = formatCell(cell, spec, decimals[column]);
                  const className = `${spec.kind === 'number' ? 'numeric' : ''}${cell === null ? ' missing' : ''}`;
                  return spec.index ? (
                    <th key={column} scope="row" className={className} title={text}>
                      {text}
                    </th>
                  ) : (
                    <td key={column} className={className} title={text.length > 40 ? text : undefined}>
                      {text}
                    </td>
                  );
                })}
              </tr>
            ))}
            {end < order.length ? <tr className="table-spacer" style={{ height: (order.length - end) * ROW_HEIGHT }} aria-hidden="true" /> : null}
          </tbody>
        </table>
        {order.length === 0 ? <div className="table-empty">{table.rows.length ? 'No rows match.' : 'No rows.'}</div> : null}
      </div>
      {beyond > 0 || hiddenColumns > 0 ? (
        <div className="table-note">
          {beyond > 0 ? `Showing the first ${table.rows.length.toLocaleString()} rows: ${beyond.toLocaleString()} more rows are not shown (sorting and filtering apply to the rows shown).` : ''}
          {hiddenColumns > 0 ? ` ${hiddenColumns.toLocaleString()} more columns are not shown.` : ''}
        </div>
      ) : null}
    </div>
  );
}
