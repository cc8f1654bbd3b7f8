import { useEffect, useMemo, useRef, useState } from 'react';
import type { EChartsType } from 'echarts/core';
import { init } from './echarts-setup.ts';
import { hasZoom, panelOption, type ChartTheme } from './chart-option.ts';
import { legendNames, showsLegend } from './chart-names.ts';
import type { ChartPanel as ChartPanelData } from './chart-spec.ts';
import { tooltipContent, tooltipElement } from './chart-tooltip.ts';

/**
 * One panel of a figure as an ECharts chart, with an accessible legend (click to hide a series)
 * and a zoom reset. Panels of a grid always keep the controls row, so their plots line up.
 */
export function ChartPanel({ panel, title, alone }: { panel: ChartPanelData; title: string | null; alone: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<EChartsType | undefined>(undefined);
  const names = useMemo(() => legendNames(panel), [panel]);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const zoomable = hasZoom(panel);
  const legend = showsLegend(panel, names);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const chart = init(element, undefined, { renderer: 'canvas' });
    chartRef.current = chart;
    chart.setOption(panelOption(panel, readTheme(element), (hovered) => tooltipElement(tooltipContent(panel, hovered))));
    setHidden(new Set());
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.dispose();
      chartRef.current = undefined;
    };
  }, [panel]);

  const toggle = (name: string) => {
    chartRef.current?.dispatchAction({ type: 'legendToggleSelect', name });
    setHidden((current) => {
      const next = new Set(current);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });
  };
  const resetZoom = () => chartRef.current?.dispatchAction({ type: 'dataZoom', start: 0, end: 100 });

  return (
    <div className="chart-panel" style={panel.grid ? gridPlace(panel.grid) : undefined}>
      {title ? <div className="chart-title">{title}</div> : null}
      {legend || zoomable || !alone ? (
        <div className="chart-controls">
          {legend ? (
            <div className="chart-legend" role="group" aria-label="Series">
              {names.map((name, index) => (
                <button key={name} type="button" aria-pressed={!hidden.has(name)} onClick={() => toggle(name)} title={hidden.has(name) ? `Show ${name}` : `Hide ${name}`}>
                  <span className="chart-swatch" style={{ background: legendColor(panel, index) }} />
                  {name}
                </button>
              ))}
            </div>
          ) : (
            <span />
          )}
          {zoomable ? (
            <button type="button" className="chart-reset" onClick={resetZoom} title="Ctrl+scroll or the slider zooms; drag pans">
              Reset zoom
            </button>
          ) : null}
        </div>
      ) : null}
      <div ref={ref} className="chart-canvas" role="img" aria-label={title ?? `${panel.type} chart`} />
    </div>
  );
}

function legendColor(panel: ChartPanelData, index: number): string | undefined {
  switch (panel.type) {
    case 'pie':
      return panel.slices[index]?.color ?? undefined;
    case 'bar': {
      const groups = [...new Set(panel.bars.map((bar) => bar.series ?? 'Series'))];
      return panel.bars.find((bar) => (bar.series ?? 'Series') === groups[index])?.color ?? undefined;
    }
    case 'histogram': {
      const groups = [...new Set(panel.bins.map((bin) => bin.series ?? 'Series'))];
      return panel.bins.find((bin) => (bin.series ?? 'Series') === groups[index])?.color ?? undefined;
    }
    default:
      return panel.series[index]?.color ?? undefined;
  }
}

function gridPlace(grid: NonNullable<ChartPanelData['grid']>) {
  return { gridRow: `${grid.row + 1} / span ${Math.max(1, grid.rowSpan)}`, gridColumn: `${grid.col + 1} / span ${Math.max(1, grid.colSpan)}` };
}

function readTheme(element: HTMLElement): ChartTheme {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: read('--fg', '#1f2328'),
    muted: read('--muted', '#636c76'),
    grid: read('--border', '#e3e6ea'),
    surface: read('--surface', '#ffffff'),
    border: read('--border-strong', '#d0d7de'),
  };
}
