import type { ChartPanel } from './chart-spec.ts';

/**
 * The legend entries of a panel, unique (ECharts toggles series by name): series labels (unnamed
 * ones become "Series 2"), bar groups, or pie slices. Box plots and single unnamed series have none.
 */
export function legendNames(panel: ChartPanel): string[] {
  switch (panel.type) {
    case 'pie':
      return unique(panel.slices.map((slice) => slice.label));
    case 'bar':
      return unique(groupNames(panel.bars.map((bar) => bar.series)));
    case 'histogram':
      return unique(groupNames(panel.bins.map((bin) => bin.series)));
    case 'line':
    case 'scatter':
      return unique(panel.series.map((series, index) => series.label ?? `Series ${index + 1}`));
    default:
      return [];
  }
}

/** Bar or bin groups in first-seen order; unnamed groups are "Series". */
export function groupNames(labels: readonly (string | null)[]): string[] {
  return [...new Set(labels.map((label) => label ?? 'Series'))];
}

/** Appends " (2)", " (3)"… to repeated names. */
export function unique(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name} (${count})`;
  });
}

/** Whether the page shows a legend for the panel: more than one entry, or one named series. */
export function showsLegend(panel: ChartPanel, names: readonly string[]): boolean {
  if (names.length > 1) return true;
  if (panel.type === 'line' || panel.type === 'scatter') return panel.series.some((series) => series.label !== null);
  return false;
}
