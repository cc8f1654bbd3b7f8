import type { ChartSpec } from './chart-spec.ts';
import { ChartPanel } from './chart-panel.tsx';

/**
 * A figure's panels laid out as matplotlib placed them (its subplot grid), each an interactive
 * chart. The lazy chunk: ECharts loads with the first chart shown.
 */
export function ChartView({ chart }: { chart: ChartSpec }) {
  const single = chart.panels.length === 1;
  const rows = Math.max(1, ...chart.panels.map((panel) => panel.grid?.rows ?? 1));
  const cols = Math.max(1, ...chart.panels.map((panel) => panel.grid?.cols ?? 1));
  const gridded = !single && chart.panels.every((panel) => panel.grid);
  return (
    <div className="chart-view" style={{ ['--chart-rows' as string]: String(gridded ? rows : single ? 1 : chart.panels.length) }}>
      {!single && chart.title ? <div className="chart-suptitle">{chart.title}</div> : null}
      <div
        className="chart-panels"
        style={gridded ? { gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${rows}, auto)` } : undefined}
      >
        {chart.panels.map((panel, index) => (
          <ChartPanel key={index} panel={panel} title={single ? chart.title : panel.title} alone={single} />
        ))}
      </div>
    </div>
  );
}
