import type { ChartAxis } from './chart-spec.ts';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });

/** A number for people: grouped integers, six significant digits, exponents when tiny or huge. */
export function formatNumber(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '–';
  const size = Math.abs(value);
  if (size !== 0 && (size < 1e-4 || size >= 1e15)) return value.toExponential(3);
  return Number.isInteger(value) ? integer.format(value) : decimal.format(value);
}

/** Milliseconds since the epoch as a UTC date, with the time only when there is one. */
export function formatTime(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '–';
  const iso = new Date(ms).toISOString();
  const [date, time = ''] = iso.split('T');
  if (time.startsWith('00:00:00.000')) return date!;
  return `${date} ${time.endsWith(':00.000Z') ? time.slice(0, 5) : time.slice(0, 8)}`;
}

/** A value on `axis` as the axis shows it: category name, date, or number with the axis unit. */
export function formatAxisValue(axis: ChartAxis, value: number | string | null | undefined): string {
  if (typeof value === 'string') return value;
  if (value == null) return '–';
  switch (axis.scale) {
    case 'categorical':
      return axis.categories?.[Math.round(value)] ?? formatNumber(value);
    case 'datetime':
      return formatTime(value);
    default:
      return axis.unit ? `${formatNumber(value)} ${axis.unit}` : formatNumber(value);
  }
}

/** The axis title drawn beside it: the label as written in matplotlib. */
export function axisTitle(axis: ChartAxis): string {
  return axis.label ?? '';
}
