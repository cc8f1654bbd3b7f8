import { formatAxisValue, formatNumber } from './chart-format.ts';
import type { ChartPanel } from './chart-spec.ts';

/** What ECharts passes a tooltip formatter (one item, or one per series with trigger "axis"). */
export interface HoverParam {
  seriesIndex?: number;
  seriesName?: string;
  dataIndex?: number;
  value?: unknown;
  color?: unknown;
  name?: string;
  axisValue?: unknown;
  axisValueLabel?: string;
}

export interface TooltipRow {
  name: string;
  value: string;
  color?: string;
}

export interface TooltipContent {
  title: string;
  rows: TooltipRow[];
}

/** The tooltip for what is hovered, as text (the caller builds DOM from it, never HTML). Pure. */
export function tooltipContent(panel: ChartPanel, hovered: HoverParam | HoverParam[]): TooltipContent {
  const params = Array.isArray(hovered) ? hovered : [hovered];
  const first = params[0];
  if (!first) return { title: '', rows: [] };
  const horizontal = panel.orientation === 'horizontal';
  const valueAxis = horizontal ? panel.x : panel.y;
  switch (panel.type) {
    case 'pie': {
      const slice = panel.slices[first.dataIndex ?? -1];
      if (!slice) return { title: '', rows: [] };
      return {
        title: slice.label,
        rows: [
          { name: 'Value', value: formatNumber(slice.value), color: colorOf(first) },
          { name: 'Share', value: `${formatNumber(slice.fraction === null ? null : Math.round(slice.fraction * 1000) / 10)}%` },
        ],
      };
    }
    case 'box': {
      const outlier = first.seriesIndex === 1;
      const point = pointOf(first);
      const [at, value] = horizontal ? [point[1], point[0]] : [point[0], point[1]];
      const box = panel.boxes[outlier ? Math.round(Number(at)) : first.dataIndex ?? -1];
      if (!box) return { title: '', rows: [] };
      if (outlier) return { title: box.label, rows: [{ name: 'Outlier', value: formatAxisValue(valueAxis, toNumber(value)) }] };
      const rows: TooltipRow[] = [
        { name: 'Upper whisker', value: formatAxisValue(valueAxis, box.whiskerHigh) },
        { name: 'Q3', value: formatAxisValue(valueAxis, box.q3) },
        { name: 'Median', value: formatAxisValue(valueAxis, box.median) },
        { name: 'Q1', value: formatAxisValue(valueAxis, box.q1) },
        { name: 'Lower whisker', value: formatAxisValue(valueAxis, box.whiskerLow) },
      ];
      if (box.mean != null) rows.push({ name: 'Mean', value: formatAxisValue(valueAxis, box.mean) });
      if (box.outliers.length) rows.push({ name: 'Outliers', value: String(box.outliers.length) });
      return { title: box.label, rows };
    }
    case 'histogram': {
      const rows = params.map((param) => {
        const bin = binOf(panel, param);
        return { name: param.seriesName ?? 'Count', value: formatNumber(bin?.count), color: colorOf(param) };
      });
      const bin = binOf(panel, first);
      const axis = horizontal ? panel.y : panel.x;
      return { title: bin ? `${formatAxisValue(axis, bin.start)} – ${formatAxisValue(axis, bin.end)}` : '', rows };
    }
    case 'bar':
      return {
        title: first.name ?? String(first.axisValue ?? ''),
        rows: params.map((param) => ({ name: param.seriesName ?? '', value: formatAxisValue(valueAxis, toNumber(param.value)), color: colorOf(param) })),
      };
    default: {
      const [x] = pointOf(first);
      return {
        title: `${panel.x.name ?? 'x'} = ${formatAxisValue(panel.x, toNumber(x) ?? first.axisValueLabel ?? null)}`,
        rows: params.map((param) => ({
          name: param.seriesName ?? '',
          value: formatAxisValue(panel.y, toNumber(pointOf(param)[1])),
          color: colorOf(param),
        })),
      };
    }
  }
}

function pointOf(param: HoverParam): unknown[] {
  if (Array.isArray(param.value)) return param.value;
  return [param.axisValue, param.value];
}

function binOf(panel: ChartPanel, param: HoverParam) {
  const group = panel.bins.filter((bin) => (bin.series ?? 'Series') === (param.seriesName ?? 'Series'));
  return (group.length ? group : panel.bins)[param.dataIndex ?? -1];
}

function toNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value && typeof value === 'object' && 'value' in value) return toNumber(value.value);
  return null;
}

function colorOf(param: HoverParam): string | undefined {
  return typeof param.color === 'string' ? param.color : undefined;
}

/** The tooltip as DOM, built with textContent only (labels come from the kernel). */
export function tooltipElement(content: TooltipContent): HTMLElement {
  const root = document.createElement('div');
  const title = document.createElement('div');
  title.className = 'chart-tip-title';
  title.textContent = content.title;
  root.append(title);
  for (const row of content.rows) {
    const line = document.createElement('div');
    line.className = 'chart-tip-row';
    const swatch = document.createElement('span');
    swatch.className = 'chart-tip-swatch';
    if (row.color) swatch.style.background = row.color;
    const name = document.createElement('span');
    name.className = 'chart-tip-name';
    name.textContent = row.name;
    const value = document.createElement('span');
    value.className = 'chart-tip-value';
    value.textContent = row.value;
    line.append(swatch, name, value);
    root.append(line);
  }
  return root;
}
