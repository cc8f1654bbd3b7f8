import { z } from 'zod';

/**
 * What the kernel's talkbook_display extension says about a shown matplotlib figure
 * (kernel-config/startup/README.md). Untrusted data: validated before anything is drawn.
 */
export { CHART_MIME } from '../../protocol.ts';

const value = z.number().nullable();
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/).nullable().catch(null);
const label = z.string().max(1_000);

export const chartType = z.enum(['line', 'bar', 'scatter', 'pie', 'box', 'histogram', 'unknown']);

export const chartAxis = z.object({
  label: label.nullable(),
  name: label.nullable(),
  unit: label.nullable(),
  scale: z.enum(['linear', 'log', 'categorical', 'datetime']),
  logBase: z.number().positive().optional(),
  min: value,
  max: value,
  ticks: z.array(z.object({ value, label })),
  categories: z.array(label).optional(),
});

export const chartSeries = z.object({
  label: label.nullable(),
  kind: z.enum(['line', 'scatter']),
  color,
  points: z.array(z.tuple([value, value])),
  totalPoints: z.number().int().nonnegative().optional(),
});

export const chartBar = z.object({ series: label.nullable(), label, value, base: value, x: value, width: value, color });
export const chartBin = z.object({ series: label.nullable(), start: value, end: value, count: value, color });
export const chartSlice = z.object({ label, value, fraction: value, color });
export const chartBox = z.object({
  label,
  median: value,
  q1: value,
  q3: value,
  whiskerLow: value,
  whiskerHigh: value,
  mean: value.optional(),
  outliers: z.array(value),
  color,
});

const cell = z.number().int().nonnegative();
export const chartGrid = z.object({ row: cell, col: cell, rowSpan: cell, colSpan: cell, rows: cell, cols: cell });

export const chartPanel = z.object({
  type: chartType,
  title: label.nullable(),
  x: chartAxis,
  y: chartAxis,
  orientation: z.enum(['vertical', 'horizontal']),
  series: z.array(chartSeries),
  bars: z.array(chartBar),
  bins: z.array(chartBin),
  slices: z.array(chartSlice),
  boxes: z.array(chartBox),
  grid: chartGrid.optional(),
});

export const chartSpec = z.object({
  version: z.literal(1),
  type: chartType,
  title: label.nullable(),
  panels: z.array(chartPanel).min(1).max(16),
  truncated: z.boolean(),
});

export type ChartType = z.infer<typeof chartType>;
export type ChartAxis = z.infer<typeof chartAxis>;
export type ChartSeries = z.infer<typeof chartSeries>;
export type ChartPanel = z.infer<typeof chartPanel>;
export type ChartSpec = z.infer<typeof chartSpec>;

/** The chart, when it is valid and every panel is of a kind the page can draw; else undefined (show the PNG). */
export function drawableChart(data: unknown): ChartSpec | undefined {
  const parsed = chartSpec.safeParse(data);
  if (!parsed.success) return undefined;
  return parsed.data.panels.every((panel) => panel.type !== 'unknown') ? parsed.data : undefined;
}
