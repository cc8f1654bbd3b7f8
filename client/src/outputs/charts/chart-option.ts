import type { EChartsCoreOption } from 'echarts/core';
import { axisTitle } from './chart-format.ts';
import { groupNames, legendNames } from './chart-names.ts';
import type { ChartAxis, ChartPanel } from './chart-spec.ts';
import type { HoverParam } from './chart-tooltip.ts';

/** Colours from the page's CSS variables, so charts follow light and dark. */
export interface ChartTheme {
  text: string;
  muted: string;
  grid: string;
  surface: string;
  border: string;
}

export type TooltipFormatter = (hovered: HoverParam | HoverParam[]) => HTMLElement | string;

/** Above this many categories, a bar chart gets a zoom slider. */
const SLIDER_CATEGORIES = 12;

/** Whether the panel can be zoomed (and so gets a "Reset zoom"). */
export function hasZoom(panel: ChartPanel): boolean {
  if (panel.type === 'bar') return new Set(panel.bars.map((bar) => bar.label)).size > SLIDER_CATEGORIES;
  return panel.type === 'line' || panel.type === 'scatter' || panel.type === 'histogram';
}

/**
 * The ECharts option for one panel. Pure (the tooltip formatter is passed in): series keep
 * matplotlib's colours, the legend is hidden (the page draws its own, see chart-panel.tsx) but
 * present so series can be toggled, zoom is Ctrl+wheel, drag to pan and the slider.
 */
export function panelOption(panel: ChartPanel, theme: ChartTheme, formatter: TooltipFormatter): EChartsCoreOption {
  const names = legendNames(panel);
  const base: EChartsCoreOption = {
    animation: false,
    useUTC: true,
    textStyle: { color: theme.text, fontFamily: 'inherit' },
    legend: { show: false, data: names },
    tooltip: {
      trigger: panel.type === 'line' || panel.type === 'bar' ? 'axis' : 'item',
      axisPointer: { type: panel.type === 'bar' ? 'shadow' : 'line' },
      className: 'chart-tooltip',
      backgroundColor: theme.surface,
      borderColor: theme.border,
      textStyle: { color: theme.text },
      confine: true,
      formatter,
    },
  };
  switch (panel.type) {
    case 'pie':
      return { ...base, series: [pieSeries(panel, names, theme)] };
    case 'box':
      return { ...base, ...cartesian(panel, theme, boxAxes(panel, theme)), series: boxSeries(panel, theme) };
    case 'bar':
      return { ...base, ...barChart(panel, names, theme) };
    case 'histogram':
      return {
        ...base,
        ...cartesian(panel, theme, [axis(panel.x, theme, 'x', panel.orientation === 'horizontal'), axis(panel.y, theme, 'y', panel.orientation !== 'horizontal')], true),
        series: histogramSeries(panel, names),
      };
    default:
      return {
        ...base,
        ...cartesian(panel, theme, [axis(panel.x, theme, 'x'), axis(panel.y, theme, 'y')], true),
        series: panel.series.map((series, index) => ({
          type: series.kind,
          name: names[index],
          data: series.points,
          color: series.color ?? undefined,
          showSymbol: series.kind === 'scatter' || series.points.length <= 30,
          symbolSize: series.kind === 'scatter' ? 7 : 5,
          lineStyle: { width: 2 },
          connectNulls: false,
          sampling: series.points.length > 2_000 ? 'lttb' : undefined,
          emphasis: { focus: 'series' },
        })),
      };
  }
}

/** Grid, axes and zoom for panels with x and y axes. */
function cartesian(panel: ChartPanel, theme: ChartTheme, [xAxis, yAxis]: [object, object], zoom = false, slider = zoom): EChartsCoreOption {
  const bottom = slider ? 64 : 32;
  return {
    grid: { left: 16, right: 24, top: verticalName(panel) ? 36 : 16, bottom: horizontalName(panel) ? bottom + 8 : bottom - 8, containLabel: true },
    xAxis,
    yAxis,
    dataZoom: zoom
      ? [
          { type: 'inside', xAxisIndex: 0, filterMode: 'none', zoomOnMouseWheel: 'ctrl', moveOnMouseWheel: false, moveOnMouseMove: true },
          { type: 'inside', yAxisIndex: 0, filterMode: 'none', zoomOnMouseWheel: 'shift', moveOnMouseWheel: false, moveOnMouseMove: false },
          ...(slider ? [{ type: 'slider', xAxisIndex: 0, filterMode: 'none', height: 16, bottom: 8, borderColor: theme.border, textStyle: { color: theme.muted } }] : []),
        ]
      : [],
  };
}

function verticalName(panel: ChartPanel): boolean {
  return Boolean(panel.y.label);
}

function horizontalName(panel: ChartPanel): boolean {
  return Boolean(panel.x.label);
}

/**
 * One axis as ECharts draws it, from the axis matplotlib drew. The y title sits above the axis
 * (never clipped by long tick labels); value axes fit the data unless `zero` keeps zero in view
 * (bars, counts).
 */
export function axis(spec: ChartAxis, theme: ChartTheme, which: 'x' | 'y', zero = false): object {
  const common = {
    name: axisTitle(spec),
    nameLocation: which === 'x' ? 'middle' : 'end',
    nameGap: which === 'x' ? 28 : 12,
    nameTextStyle: { color: theme.text, fontSize: 12, align: which === 'x' ? 'center' : 'left' },
    axisLine: { show: true, onZero: false, lineStyle: { color: theme.muted } },
    axisTick: { show: true },
    axisLabel: { color: theme.muted, hideOverlap: true },
    splitLine: { show: true, lineStyle: { color: theme.grid } },
  };
  switch (spec.scale) {
    case 'categorical':
      return { ...common, type: 'category', data: spec.categories ?? [], boundaryGap: true, splitLine: { show: false } };
    case 'datetime':
      return { ...common, type: 'time' };
    case 'log':
      return { ...common, type: 'log', logBase: spec.logBase ?? 10 };
    default:
      return zero ? { ...common, type: 'value' } : { ...common, type: 'value', scale: true };
  }
}

function pieSeries(panel: ChartPanel, names: string[], theme: ChartTheme): object {
  return {
    type: 'pie',
    radius: '58%',
    center: ['50%', '52%'],
    // matplotlib's default: from 3 o'clock, counterclockwise.
    startAngle: 0,
    clockwise: false,
    avoidLabelOverlap: true,
    data: panel.slices.map((slice, index) => ({ name: names[index], value: slice.value, itemStyle: slice.color ? { color: slice.color } : undefined })),
    label: { color: theme.text, formatter: '{b}: {d}%', overflow: 'none' },
    emphasis: { scale: true },
  };
}

function barChart(panel: ChartPanel, names: string[], theme: ChartTheme): EChartsCoreOption {
  const horizontal = panel.orientation === 'horizontal';
  const ordered = [...panel.bars].sort((a, b) => (a.x ?? 0) - (b.x ?? 0));
  const categories = [...new Set(ordered.map((bar) => bar.label))];
  const groups = groupNames(panel.bars.map((bar) => bar.series));
  const stacked = panel.bars.some((bar) => bar.base !== 0 && bar.base !== null);
  const valueSpec = horizontal ? panel.x : panel.y;
  const categoryAxis = { ...(axis(horizontal ? panel.y : panel.x, theme, horizontal ? 'y' : 'x') as object), type: 'category', data: categories, boundaryGap: true, splitLine: { show: false } };
  const valueAxis = axis(valueSpec.scale === 'categorical' ? { ...valueSpec, scale: 'linear' } : valueSpec, theme, horizontal ? 'x' : 'y', true);
  const slider = categories.length > SLIDER_CATEGORIES;
  const layout = cartesian(panel, theme, horizontal ? [valueAxis, categoryAxis] : [categoryAxis, valueAxis], slider, slider);
  return {
    ...layout,
    ...(slider && horizontal ? { dataZoom: [{ type: 'slider', yAxisIndex: 0, filterMode: 'filter', width: 16, right: 4 }] } : {}),
    series: groups.map((group, index) => ({
      type: 'bar',
      name: names[index],
      stack: stacked ? 'total' : undefined,
      color: panel.bars.find((bar) => (bar.series ?? 'Series') === group)?.color ?? undefined,
      data: categories.map((category) => {
        const bar = panel.bars.find((candidate) => candidate.label === category && (candidate.series ?? 'Series') === group);
        return bar ? { value: bar.value, itemStyle: bar.color ? { color: bar.color } : undefined } : null;
      }),
      emphasis: { focus: 'series' },
    })),
  };
}

function histogramSeries(panel: ChartPanel, names: string[]): object[] {
  const groups = groupNames(panel.bins.map((bin) => bin.series));
  const horizontal = panel.orientation === 'horizontal';
  return groups.map((group, index) => {
    const bins = panel.bins.filter((bin) => (bin.series ?? 'Series') === group);
    return {
      type: 'bar',
      name: names[index],
      color: bins[0]?.color ?? undefined,
      barCategoryGap: '2%',
      barGap: '0%',
      data: bins.map((bin) => {
        const middle = bin.start === null || bin.end === null ? null : (bin.start + bin.end) / 2;
        return horizontal ? [bin.count, middle] : [middle, bin.count];
      }),
    };
  });
}

function boxAxes(panel: ChartPanel, theme: ChartTheme): [object, object] {
  const horizontal = panel.orientation === 'horizontal';
  const labels = panel.boxes.map((box) => box.label);
  const category = { ...(axis(horizontal ? panel.y : panel.x, theme, horizontal ? 'y' : 'x') as object), type: 'category', data: labels, boundaryGap: true, splitLine: { show: false } };
  const valueSpec = horizontal ? panel.x : panel.y;
  const value = axis(valueSpec.scale === 'categorical' ? { ...valueSpec, scale: 'linear' } : valueSpec, theme, horizontal ? 'x' : 'y');
  return horizontal ? [value, category] : [category, value];
}

function boxSeries(panel: ChartPanel, theme: ChartTheme): object[] {
  const horizontal = panel.orientation === 'horizontal';
  return [
    {
      type: 'boxplot',
      name: 'Boxes',
      data: panel.boxes.map((box) => ({
        value: [box.whiskerLow, box.q1, box.median, box.q3, box.whiskerHigh],
        itemStyle: { borderColor: box.color && box.color !== '#000000' ? box.color : theme.text, color: 'transparent' },
      })),
    },
    {
      type: 'scatter',
      name: 'Outliers',
      symbolSize: 6,
      itemStyle: { color: 'transparent', borderColor: theme.text },
      data: panel.boxes.flatMap((box, index) => box.outliers.map((value) => (horizontal ? [value, index] : [index, value]))),
    },
  ];
}
