import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Output } from '../../server/protocol/index.ts';
import { CHART_MIME, chartSpec, type ChartSpec } from '../../client/src/outputs/charts/chart-spec.ts';
import { TABLE_MIME, tableSpec } from '../../client/src/outputs/tables/table-spec.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import type { TestSocket } from '../helpers/test-socket.ts';

/**
 * The talkbook_display startup extension in a real (sandboxed) kernel: shown matplotlib figures
 * carry the chart MIME type beside their PNG, DataFrames the table type beside their HTML, and
 * both pass the client's own schemas.
 */
let tb: TestTalkbook;
let socket: TestSocket;
beforeAll(async () => {
  tb = await startTestTalkbook();
  const { id } = await tb.createConversation();
  socket = await tb.connect(id);
  await socket.run('import numpy as np\nimport pandas as pd\nimport matplotlib.pyplot as plt');
});
afterAll(async () => {
  await tb?.close();
});

type RichOutput = Extract<Output, { output_type: 'display_data' | 'execute_result' }>;
const rich = (outputs: Output[]) => outputs.filter((o): o is RichOutput => o.output_type === 'display_data' || o.output_type === 'execute_result');

/** Runs `code` and returns the one figure it shows: its chart description and its PNG bytes. */
async function chartOf(code: string): Promise<{ chart: ChartSpec | undefined; png: Buffer; output: RichOutput }> {
  const { cell } = await socket.run(code);
  expect(cell.status, JSON.stringify(cell.outputs).slice(0, 2000)).toBe('ok');
  const figures = rich(cell.outputs).filter((o) => 'image/png' in o.data);
  expect(figures).toHaveLength(1);
  const output = figures[0]!;
  const png = Buffer.from(String(output.data['image/png']), 'base64');
  const raw = output.data[CHART_MIME];
  return { chart: raw === undefined ? undefined : chartSpec.parse(raw), png, output };
}

describe('charts from plain matplotlib', () => {
  it('describes a line chart of sin and cos: two series of 100 points, title, labels and units', async () => {
    const { chart, png } = await chartOf(
      [
        't = np.linspace(0, 2 * np.pi, 100)',
        "plt.plot(t, np.sin(t), label='sin')",
        "plt.plot(t, np.cos(t), label='cos')",
        "plt.title('Waves')",
        "plt.xlabel('Time (s)')",
        "plt.ylabel('Amplitude (Hz)')",
        'plt.legend()',
        'plt.show()',
      ].join('\n'),
    );
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(chart).toBeDefined();
    expect(chart!.type).toBe('line');
    expect(chart!.title).toBe('Waves');
    const [panel] = chart!.panels;
    expect(panel!.x).toMatchObject({ label: 'Time (s)', name: 'Time', unit: 's', scale: 'linear' });
    expect(panel!.y).toMatchObject({ label: 'Amplitude (Hz)', name: 'Amplitude', unit: 'Hz', scale: 'linear' });
    expect(panel!.x.ticks.length).toBeGreaterThan(2);
    expect(panel!.series.map((s) => [s.label, s.kind, s.points.length])).toEqual([
      ['sin', 'line', 100],
      ['cos', 'line', 100],
    ]);
    for (const [x, y] of panel!.series[0]!.points) {
      expect(typeof x).toBe('number');
      expect(y).toBeCloseTo(Math.sin(x!), 6);
    }
    expect(panel!.series[1]!.points[0]).toEqual([0, 1]);
  });

  it('gives a bar chart its bars: category label and value', async () => {
    const { chart } = await chartOf("plt.bar(['apples', 'pears', 'plums'], [3, 5, 2], label='2024')\nplt.ylabel('Sold [kg]')\nplt.show()");
    expect(chart!.type).toBe('bar');
    const [panel] = chart!.panels;
    expect(panel!.bars.map((b) => [b.series, b.label, b.value])).toEqual([
      ['2024', 'apples', 3],
      ['2024', 'pears', 5],
      ['2024', 'plums', 2],
    ]);
    expect(panel!.x.scale).toBe('categorical');
    expect(panel!.y.unit).toBe('kg');
  });

  it('names the bars of a pandas bar plot after its index, as the PNG does', async () => {
    const { chart } = await chartOf(
      "import pandas as pd\ndf = pd.DataFrame({'region': ['North', 'South', 'East'], 'revenue': [120, 95, 143]})\ndf.plot.bar(x='region', y='revenue')\nplt.show()",
    );
    const [panel] = chart!.panels;
    expect(panel!.bars.map((b) => [b.label, b.value])).toEqual([
      ['North', 120],
      ['South', 95],
      ['East', 143],
    ]);
  });

  it('describes a seaborn line plot with hue: one named series per hue level, on a datetime axis', async () => {
    const { chart } = await chartOf(
      [
        'import seaborn as sns, pandas as pd',
        "df = pd.DataFrame({'day': pd.date_range('2024-01-01', periods=6).repeat(2), 'sales': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 'store': ['A', 'B'] * 6})",
        "sns.lineplot(data=df, x='day', y='sales', hue='store')",
        'plt.show()',
      ].join('\n'),
    );
    expect(chart).toBeDefined();
    const [panel] = chart!.panels;
    expect(panel!.x.scale).toBe('datetime');
    expect(panel!.series.map((s) => [s.label, s.points.length]).sort()).toEqual([
      ['A', 6],
      ['B', 6],
    ]);
    expect(panel!.series.find((s) => s.label === 'B')!.points[0]![1]).toBe(2);
  });

  it('gives a scatter its points, and reports a log axis as log', async () => {
    const { chart } = await chartOf("plt.scatter([1, 2, 3, 4], [10, 100, 1000, 10000], label='growth')\nplt.yscale('log')\nplt.show()");
    expect(chart!.type).toBe('scatter');
    const [panel] = chart!.panels;
    expect(panel!.series).toHaveLength(1);
    expect(panel!.series[0]).toMatchObject({ label: 'growth', kind: 'scatter', points: [[1, 10], [2, 100], [3, 1000], [4, 10000]] });
    expect(panel!.y.scale).toBe('log');
    expect(panel!.y.logBase).toBe(10);
    expect(panel!.x.scale).toBe('linear');
  });

  it('gives a pie its slices with values and fractions', async () => {
    const { chart } = await chartOf("plt.pie([30, 50, 20], labels=['rent', 'food', 'fun'])\nplt.title('Budget')\nplt.show()");
    expect(chart!.type).toBe('pie');
    expect(chart!.title).toBe('Budget');
    const slices = chart!.panels[0]!.slices;
    expect(slices.map((s) => [s.label, s.value])).toEqual([
      ['rent', 30],
      ['food', 50],
      ['fun', 20],
    ]);
    expect(slices[1]!.fraction).toBeCloseTo(0.5, 5);
  });

  it('gives a box plot its statistics and outliers', async () => {
    const { chart } = await chartOf("plt.boxplot([[1, 2, 3, 4, 5, 6, 7, 8, 9, 40], [10, 11, 12, 13, 14]], labels=['a', 'b'])\nplt.show()");
    expect(chart!.type).toBe('box');
    const boxes = chart!.panels[0]!.boxes;
    expect(boxes.map((b) => b.label)).toEqual(['a', 'b']);
    expect(boxes[0]).toMatchObject({ median: 5.5, q1: 3.25, q3: 7.75, whiskerLow: 1, whiskerHigh: 9, outliers: [40] });
    expect(boxes[1]).toMatchObject({ median: 12, q1: 11, q3: 13, whiskerLow: 10, whiskerHigh: 14, outliers: [] });
  });

  it('tells a histogram from a bar chart and gives its bins', async () => {
    const { chart } = await chartOf('plt.hist([1, 2, 2, 3, 3, 3, 4, 4, 5], bins=[0.5, 1.5, 2.5, 3.5, 4.5, 5.5])\nplt.show()');
    expect(chart!.type).toBe('histogram');
    expect(chart!.panels[0]!.bins.map((b) => [b.start, b.end, b.count])).toEqual([
      [0.5, 1.5, 1],
      [1.5, 2.5, 2],
      [2.5, 3.5, 3],
      [3.5, 4.5, 2],
      [4.5, 5.5, 1],
    ]);
  });

  it('describes a pandas time series on a datetime axis, in milliseconds since the epoch', async () => {
    const { chart } = await chartOf("s = pd.Series([1.0, 3.0, 2.0], index=pd.date_range('2024-01-01', periods=3, freq='D'))\ns.plot()\nplt.show()");
    const [panel] = chart!.panels;
    expect(panel!.x.scale).toBe('datetime');
    expect(panel!.series[0]!.points).toEqual([
      [Date.UTC(2024, 0, 1), 1],
      [Date.UTC(2024, 0, 2), 3],
      [Date.UTC(2024, 0, 3), 2],
    ]);
  });

  it('lays out subplots as panels', async () => {
    const { chart } = await chartOf(
      "fig, (a, b) = plt.subplots(1, 2)\na.plot([1, 2, 3])\nb.bar(['x', 'y'], [1, 2])\nfig.suptitle('Two')\nplt.show()",
    );
    expect(chart!.title).toBe('Two');
    expect(chart!.type).toBe('unknown');
    expect(chart!.panels.map((p) => [p.type, p.grid?.col, p.grid?.cols])).toEqual([
      ['line', 0, 2],
      ['bar', 1, 2],
    ]);
  });

  it('leaves figures it cannot describe as PNG only, and a failing description never breaks the PNG', async () => {
    const image = await chartOf('plt.imshow(np.eye(4))\nplt.show()');
    expect(image.chart).toBeUndefined();
    expect(image.png.subarray(1, 4).toString()).toBe('PNG');
    const twin = await chartOf('fig, ax = plt.subplots()\nax.plot([1, 2])\nax.twinx().plot([3, 1])\nplt.show()');
    expect(twin.chart).toBeUndefined();
    const { cell } = await socket.run(
      [
        'import talkbook_display.chart as chart_module',
        'saved = chart_module.describe_figure',
        'def broken(fig): raise RuntimeError("boom")',
        'chart_module.describe_figure = broken',
        'plt.plot([1, 2, 3])',
        'plt.show()',
        'chart_module.describe_figure = saved',
      ].join('\n'),
    );
    expect(cell.status).toBe('ok');
    expect(cell.outputs.some((o) => o.output_type === 'stream' || o.output_type === 'error')).toBe(false);
    const [figure] = rich(cell.outputs);
    expect(Object.keys(figure!.data).sort()).toEqual(['image/png', 'text/plain']);
  });
});

describe('tables from plain pandas', () => {
  it('gives a DataFrame the table type: columns with dtypes, rows and the row count', async () => {
    const { cell } = await socket.run(
      [
        'df = pd.DataFrame({',
        "    'city': ['Lisbon', 'Porto', 'Faro'],",
        "    'people': [545923, 231800, 67650],",
        "    'share': [0.5, np.nan, 0.25],",
        "    'founded': pd.to_datetime(['1147-01-01', '0868-01-01', '1249-01-01'], errors='coerce'),",
        '})',
        'df',
      ].join('\n'),
    );
    const [result] = rich(cell.outputs);
    expect(result?.output_type).toBe('execute_result');
    expect(String(result!.data['text/html'])).toContain('<table');
    const table = tableSpec.parse(result!.data[TABLE_MIME]);
    expect(table.kind).toBe('dataframe');
    expect(table.columns.map((c) => [c.name, c.dtype, c.kind, c.index])).toEqual([
      ['', 'int64', 'number', true],
      ['city', 'object', 'string', false],
      ['people', 'int64', 'number', false],
      ['share', 'float64', 'number', false],
      ['founded', 'datetime64[ns]', 'datetime', false],
    ]);
    expect(table.totalRows).toBe(3);
    expect(table.rows[0]).toEqual([0, 'Lisbon', 545923, 0.5, null]);
    expect(table.rows[1]![3]).toBeNull();
  });

  it('caps the rows it sends and says how many there are', async () => {
    const { cell } = await socket.run("big = pd.DataFrame({'n': range(25_000), 'when': pd.date_range('2024-01-01', periods=25_000, freq='min')})\nbig");
    const table = tableSpec.parse(rich(cell.outputs)[0]!.data[TABLE_MIME]);
    expect(table.rows).toHaveLength(1_000);
    expect(table.totalRows).toBe(25_000);
    expect(table.truncated).toBe(true);
    expect(table.rows[1]).toEqual([1, 1, '2024-01-01T00:01:00']);
  });

  it('gives a Series the table type too', async () => {
    const { cell } = await socket.run("pd.Series([1.5, 2.5], index=['a', 'b'], name='price')");
    const table = tableSpec.parse(rich(cell.outputs)[0]!.data[TABLE_MIME]);
    expect(table.kind).toBe('series');
    expect(table.columns.map((c) => c.name)).toEqual(['', 'price']);
    expect(table.rows).toEqual([
      ['a', 1.5],
      ['b', 2.5],
    ]);
  });
});

describe('export', () => {
  it('keeps image/png and text/html beside the new types', async () => {
    const { id } = await tb.createConversation();
    const own = await tb.connect(id);
    await own.run("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [3, 1, 2])\nplt.title('kept')\nplt.show()");
    await own.run("import pandas as pd\npd.DataFrame({'a': [1, 2]})");
    const response = await tb.api(`/api/conversations/${id}/notebook`);
    expect(response.status).toBe(200);
    const notebook = exportedNotebook.parse(await response.json());
    const bundles = notebook.cells.flatMap((cell) => cell.outputs ?? []).flatMap((output) => (output.data ? [Object.keys(output.data).sort()] : []));
    expect(bundles).toEqual([
      [CHART_MIME, 'image/png', 'text/plain'].sort(),
      [TABLE_MIME, 'text/html', 'text/plain'].sort(),
    ]);
  });
});

const exportedNotebook = z.object({
  cells: z.array(z.object({ outputs: z.array(z.object({ data: z.record(z.string(), z.unknown()).optional() })).optional() })),
});
