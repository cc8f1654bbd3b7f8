import { describe, expect, it } from 'vitest';
import { axisTitle, formatAxisValue, formatNumber, formatTime } from '../../../../client/src/outputs/charts/chart-format.ts';
import { legendNames, showsLegend, unique } from '../../../../client/src/outputs/charts/chart-names.ts';
import { drawableChart } from '../../../../client/src/outputs/charts/chart-spec.ts';
import { tooltipContent } from '../../../../client/src/outputs/charts/chart-tooltip.ts';
import { panelOption, type ChartTheme } from '../../../../client/src/outputs/charts/chart-option.ts';
import { axis, chart, panel, sinCos } from './chart-samples.ts';

const theme: ChartTheme = { text: '#111111', muted: '#666666', grid: '#eeeeee', surface: '#ffffff', border: '#cccccc' };

describe('chart formatting', () => {
  it('formats numbers for people', () => {
    expect(formatNumber(545923)).toBe('545,923');
    expect(formatNumber(0.8414709848)).toBe('0.841471');
    expect(formatNumber(-0.5)).toBe('-0.5');
    expect(formatNumber(0.00001234)).toBe('1.234e-5');
    expect(formatNumber(null)).toBe('–');
  });

  it('formats times in UTC, with the time only when there is one', () => {
    expect(formatTime(Date.UTC(2024, 0, 2))).toBe('2024-01-02');
    expect(formatTime(Date.UTC(2024, 0, 2, 13, 5))).toBe('2024-01-02 13:05');
    expect(formatTime(Date.UTC(2024, 0, 2, 13, 5, 7))).toBe('2024-01-02 13:05:07');
  });

  it('formats axis values with units, categories and dates', () => {
    expect(formatAxisValue(axis({ unit: 's' }), 1.5)).toBe('1.5 s');
    expect(formatAxisValue(axis({ scale: 'categorical', categories: ['a', 'b'] }), 1)).toBe('b');
    expect(formatAxisValue(axis({ scale: 'datetime' }), Date.UTC(2024, 4, 1))).toBe('2024-05-01');
    expect(axisTitle(axis({ label: 'Time (s)' }))).toBe('Time (s)');
  });
});

describe('chart legend names', () => {
  it('names series, making repeats unique and naming unnamed ones', () => {
    expect(unique(['a', 'a', 'b', 'a'])).toEqual(['a', 'a (2)', 'b', 'a (3)']);
    const unnamed = panel({ series: [{ label: null, kind: 'line', color: null, points: [] }] });
    expect(legendNames(unnamed)).toEqual(['Series 1']);
    expect(showsLegend(unnamed, legendNames(unnamed))).toBe(false);
    expect(legendNames(sinCos)).toEqual(['sin', 'cos']);
    expect(showsLegend(sinCos, ['sin', 'cos'])).toBe(true);
  });
});

describe('drawableChart', () => {
  it('accepts valid charts and refuses invalid ones or unknown panels (PNG only)', () => {
    expect(drawableChart(chart([sinCos]))?.panels).toHaveLength(1);
    expect(drawableChart({ version: 2 })).toBeUndefined();
    expect(drawableChart(chart([panel({ type: 'unknown' })]))).toBeUndefined();
    expect(drawableChart('<script>')).toBeUndefined();
  });

  it('drops colours that are not plain hex (they reach canvas and tooltip styles)', () => {
    const evil = chart([panel({ series: [{ label: 'x', kind: 'line', color: 'red;background:url(x)', points: [[0, 1]] }] })]);
    expect(drawableChart(evil)?.panels[0]?.series[0]?.color).toBeNull();
  });
});

describe('tooltipContent', () => {
  it('gives the hovered x with its unit and each series value with the y unit', () => {
    const content = tooltipContent(sinCos, [
      { seriesIndex: 0, seriesName: 'sin', dataIndex: 1, value: [1.5, 0.997495], color: '#1f77b4' },
      { seriesIndex: 1, seriesName: 'cos', dataIndex: 1, value: [1.5, 0.0707372], color: '#ff7f0e' },
    ]);
    expect(content).toEqual({
      title: 'Time = 1.5 s',
      rows: [
        { name: 'sin', value: '0.997495 Hz', color: '#1f77b4' },
        { name: 'cos', value: '0.0707372 Hz', color: '#ff7f0e' },
      ],
    });
  });

  it('describes pie slices, boxes and histogram bins', () => {
    const pie = panel({ type: 'pie', slices: [{ label: 'rent', value: 30, fraction: 0.3, color: null }] });
    expect(tooltipContent(pie, { dataIndex: 0 })).toEqual({ title: 'rent', rows: [{ name: 'Value', value: '30' }, { name: 'Share', value: '30%' }] });
    const box = panel({ type: 'box', boxes: [{ label: 'a', median: 5, q1: 3, q3: 7, whiskerLow: 1, whiskerHigh: 9, outliers: [40], color: null }] });
    expect(tooltipContent(box, { seriesIndex: 0, dataIndex: 0 }).rows.map((row) => `${row.name} ${row.value}`)).toEqual([
      'Upper whisker 9',
      'Q3 7',
      'Median 5',
      'Q1 3',
      'Lower whisker 1',
      'Outliers 1',
    ]);
    expect(tooltipContent(box, { seriesIndex: 1, dataIndex: 0, value: [0, 40] })).toEqual({ title: 'a', rows: [{ name: 'Outlier', value: '40' }] });
    const histogram = panel({ type: 'histogram', bins: [{ series: null, start: 0.5, end: 1.5, count: 4, color: null }] });
    expect(tooltipContent(histogram, { seriesName: 'Series', dataIndex: 0 })).toEqual({ title: '0.5 – 1.5', rows: [{ name: 'Series', value: '4' }] });
  });
});

describe('panelOption', () => {
  it('draws line series with their matplotlib colours, a hidden legend to toggle, and zoom', () => {
    const option = panelOption(sinCos, theme, () => '');
    expect(option.legend).toMatchObject({ show: false, data: ['sin', 'cos'] });
    expect(option.series).toMatchObject([
      { type: 'line', name: 'sin', color: '#1f77b4', data: sinCos.series[0]!.points },
      { type: 'line', name: 'cos', color: '#ff7f0e' },
    ]);
    expect(option.xAxis).toMatchObject({ type: 'value', name: 'Time (s)' });
    expect(option.tooltip).toMatchObject({ trigger: 'axis', className: 'chart-tooltip' });
    expect(option.dataZoom).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'slider' })]));
  });

  it('maps scales: log, datetime and categories', () => {
    const option = panelOption(panel({ type: 'scatter', x: axis({ scale: 'datetime' }), y: axis({ scale: 'log', logBase: 2 }) }), theme, () => '');
    expect(option.xAxis).toMatchObject({ type: 'time' });
    expect(option.yAxis).toMatchObject({ type: 'log', logBase: 2 });
    expect(option.useUTC).toBe(true);
  });

  it('groups bars by series over their categories, stacking when bars have bases', () => {
    const bars = panel({
      type: 'bar',
      bars: [
        { series: 'a', label: 'x', value: 1, base: 0, x: 0, width: 0.8, color: '#111111' },
        { series: 'a', label: 'y', value: 2, base: 0, x: 1, width: 0.8, color: '#111111' },
        { series: 'b', label: 'x', value: 3, base: 1, x: 0, width: 0.8, color: '#222222' },
      ],
    });
    const option = panelOption(bars, theme, () => '');
    expect(option.xAxis).toMatchObject({ type: 'category', data: ['x', 'y'] });
    expect(option.series).toMatchObject([
      { type: 'bar', name: 'a', stack: 'total', data: [{ value: 1 }, { value: 2 }] },
      { type: 'bar', name: 'b', stack: 'total', data: [{ value: 3 }, null] },
    ]);
  });

  it('draws pies and box plots', () => {
    const pie = panelOption(panel({ type: 'pie', slices: [{ label: 'a', value: 2, fraction: 1, color: '#123456' }] }), theme, () => '');
    expect(pie.series).toMatchObject([{ type: 'pie', data: [{ name: 'a', value: 2, itemStyle: { color: '#123456' } }] }]);
    const box = panelOption(
      panel({ type: 'box', boxes: [{ label: 'g', median: 5, q1: 3, q3: 7, whiskerLow: 1, whiskerHigh: 9, outliers: [40], color: null }] }),
      theme,
      () => '',
    );
    expect(box.xAxis).toMatchObject({ type: 'category', data: ['g'] });
    expect(box.series).toMatchObject([{ type: 'boxplot', data: [{ value: [1, 3, 5, 7, 9] }] }, { type: 'scatter', data: [[0, 40]] }]);
  });
});
