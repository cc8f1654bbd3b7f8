import type { Cell, CodeCell, Output } from '../../../server/protocol/index.ts';
import { sinePlotPng } from './tiny-png.ts';

const at = '2024-05-01T10:00:00.000Z';
let counter = 0;
const cellId = () => `gallery-${++counter}`;

function code(source: string, outputs: Output[], extra: Partial<CodeCell> = {}): CodeCell {
  return {
    id: cellId(),
    kind: 'code',
    createdAt: at,
    source,
    author: 'assistant',
    status: 'ok',
    executionCount: counter,
    outputs,
    startedAt: '2024-05-01T10:00:00.000Z',
    endedAt: '2024-05-01T10:00:01.250Z',
    ...extra,
  };
}

const dataframe = `<div><style scoped>.dataframe tbody tr th:only-of-type { vertical-align: middle; } .dataframe thead th { text-align: right; }</style>
<table border="1" class="dataframe"><thead><tr style="text-align: right;"><th></th><th>city</th><th>population</th><th>area_km2</th></tr></thead>
<tbody><tr><th>0</th><td>Lisbon</td><td>545923</td><td>100.05</td></tr><tr><th>1</th><td>Porto</td><td>231800</td><td>41.42</td></tr>
<tr><th>2</th><td>Braga</td><td>193333</td><td>183.40</td></tr><tr><th>3</th><td>Coimbra</td><td>140796</td><td>319.40</td></tr></tbody></table></div>`;

const traceback = [
  '\u001b[0;31m---------------------------------------------------------------------------\u001b[0m',
  '\u001b[0;31mZeroDivisionError\u001b[0m                         Traceback (most recent call last)',
  'Cell \u001b[0;32mIn[5], line 1\u001b[0m\n\u001b[0;32m----> 1\u001b[0m \u001b[38;5;241;43m1\u001b[39;49m\u001b[38;5;241;43m/\u001b[39;49m\u001b[38;5;241;43m0\u001b[39;49m\n',
  '\u001b[0;31mZeroDivisionError\u001b[0m: division by zero',
];

const axis = (label: string, min: number, max: number) => ({ label, name: label, unit: null, scale: 'linear' as const, min, max, ticks: [] });
const wave = (shift: number) => Array.from({ length: 40 }, (_, i): [number, number] => [i / 4, Math.round(Math.sin(i / 4 + shift) * 1000) / 1000]);

/** What the kernel's startup extension adds beside a matplotlib figure's PNG (an interactive chart). */
const chartSpec = {
  version: 1,
  type: 'line',
  title: 'Waves',
  truncated: false,
  panels: [
    {
      type: 'line',
      title: 'Waves',
      x: axis('Time (s)', 0, 10),
      y: axis('Amplitude', -1, 1),
      orientation: 'vertical',
      series: [
        { label: 'sin', kind: 'line', color: '#1f77b4', points: wave(0) },
        { label: 'cos', kind: 'line', color: '#ff7f0e', points: wave(Math.PI / 2) },
      ],
      bars: [],
      bins: [],
      slices: [],
      boxes: [],
    },
  ],
};

/** ... and beside a DataFrame's HTML (an interactive table). */
const tableSpec = {
  version: 1,
  kind: 'dataframe',
  columns: [
    { name: '', dtype: 'int64', kind: 'number', index: true },
    { name: 'city', dtype: 'object', kind: 'string', index: false },
    { name: 'population', dtype: 'int64', kind: 'number', index: false },
    { name: 'area_km2', dtype: 'float64', kind: 'number', index: false },
    { name: 'coastal', dtype: 'bool', kind: 'boolean', index: false },
  ],
  rows: [
    [0, 'Lisbon', 545923, 100.05, true],
    [1, 'Porto', 231800, 41.42, true],
    [2, 'Braga', 193333, 183.4, false],
    [3, 'Coimbra', 140796, 319.4, false],
  ],
  totalRows: 4,
  totalColumns: 4,
  truncated: false,
};

/** One conversation showing every kind of cell and output the client renders. */
export function galleryCells(): Cell[] {
  counter = 0;
  return [
    { id: cellId(), kind: 'user', createdAt: at, text: 'Load the cities table, plot something and show me what you can render.' },
    {
      id: cellId(),
      kind: 'assistant',
      createdAt: at,
      text: 'Sure. Here is the **plan**:\n\n1. load the table with `pandas`\n2. plot $y = \\sin(x)$\n\n| step | tool |\n| --- | --- |\n| load | pandas |\n| plot | matplotlib |\n\n```python\ndf = pd.read_csv("cities.csv")\n```',
    },
    code("import pandas as pd\ndf = pd.DataFrame(cities)\ndf", [
      { output_type: 'execute_result', execution_count: 3, data: { 'text/html': dataframe, 'text/plain': '      city  population' }, metadata: {} },
    ]),
    code('import matplotlib.pyplot as plt\nplt.plot(x, np.sin(x))\nplt.show()', [
      { output_type: 'stream', name: 'stdout', text: 'plotting 200 points\n' },
      { output_type: 'display_data', data: { 'image/png': sinePlotPng(), 'text/plain': '<Figure size 640x480 with 1 Axes>' }, metadata: { 'image/png': { width: 480, height: 300 } } },
    ]),
    code('for i in tqdm(range(100)): ...\nprint("\\x1b[32mdone\\x1b[0m")\nwarnings.warn("careful")', [
      { output_type: 'stream', name: 'stdout', text: '100%|██████████| 100/100 [00:01<00:00, 98.1it/s]\n\u001b[32mdone\u001b[0m \u001b[1;34mbold blue\u001b[0m \u001b[38;5;208morange\u001b[0m\n' },
      { output_type: 'stream', name: 'stderr', text: 'UserWarning: careful\n' },
    ]),
    code('1/0', [{ output_type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback }], { status: 'error', author: 'user' }),
    code("display(JSON({'name': 'talkbook', 'tags': ['a', 'b'], 'nested': {'ok': True, 'none': None}}))\ndisplay(Math(r'\\int_0^1 x^2\\,dx'))\ndisplay(Markdown('**bold** and `code`'))", [
      { output_type: 'display_data', data: { 'application/json': { name: 'talkbook', tags: ['a', 'b'], nested: { ok: true, none: null, n: 42 } }, 'text/plain': '<IPython.core.display.JSON object>' }, metadata: {} },
      { output_type: 'display_data', data: { 'text/latex': '$\\displaystyle \\int_0^1 x^2\\,dx = \\frac{1}{3}$', 'text/plain': 'Integral' }, metadata: {} },
      { output_type: 'display_data', data: { 'text/markdown': '**bold** text, a [link](https://example.com) and `code`', 'text/plain': 'Markdown' }, metadata: {} },
    ], { author: 'user' }),
    code('display(SVG(circle))', [
      { output_type: 'display_data', data: { 'image/svg+xml': '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="60"><rect width="160" height="60" rx="8" fill="#6366f1"/><text x="80" y="36" font-size="16" text-anchor="middle" fill="white">SVG</text></svg>' }, metadata: {} },
    ]),
    // A malformed output (HTML that is not text): its boundary shows a note, the rest renders.
    code('display(broken)', [
      { output_type: 'display_data', data: { 'text/html': { not: 'text' } }, metadata: {} },
      { output_type: 'stream', name: 'stdout', text: 'still here\n' },
    ]),
    { id: cellId(), kind: 'notice', createdAt: at, level: 'warning', text: 'The kernel restarted: variables from earlier cells are gone.' },
    code('while True: pass', [], { status: 'running', executionCount: null, endedAt: undefined, startedAt: new Date(Date.now() - 3_200).toISOString(), author: 'user' }),
  ];
}

/** The gallery and the interactive outputs (a chart with its PNG, a table): every output kind there is. */
export function everyOutputKind(): Cell[] {
  const cells = galleryCells();
  cells.push(
    code("plt.plot(t, np.sin(t), label='sin'); plt.plot(t, np.cos(t), label='cos'); plt.legend(); plt.show()\ncities", [
      { output_type: 'display_data', data: { 'application/vnd.talkbook.chart+json': chartSpec, 'image/png': sinePlotPng(), 'text/plain': '<Figure size 640x480 with 1 Axes>' }, metadata: { 'image/png': { width: 640, height: 400 } } },
      { output_type: 'execute_result', execution_count: 9, data: { 'application/vnd.talkbook.table+json': tableSpec, 'text/plain': '      city  population' }, metadata: {} },
    ]),
  );
  return cells;
}

/** What `GET /variables/:name/table` gives for a DataFrame: the interactive table. */
export function variableTableOutput(): Output {
  return { output_type: 'display_data', data: { 'application/vnd.talkbook.table+json': tableSpec, 'text/plain': 'cities' }, metadata: {} };
}

/**
 * Cells in every state the checkpoints and dependency tracking give them: checkpoint footers
 * (files created and changed, a variable it could not hold, a failed checkpoint), an undone
 * cell, a stale one, one the person edited after the assistant wrote it, one from an imported
 * notebook. The last one is the cell Undo would undo.
 */
export function workspaceStateCells(): Cell[] {
  counter = 100;
  const saved = (extra: Partial<NonNullable<CodeCell['checkpoint']>>) => ({ status: 'saved' as const, id: `cp-${counter}`, bytesWritten: 18_432, totalBytes: 92_160, ...extra });
  return [
    code('import pandas as pd\ncities = pd.read_csv("cities.csv")', [], { author: 'user', checkpoint: saved({ files: { created: [], changed: [], deleted: [] } }), names: { defines: ['cities', 'pd'], reads: [] } }),
    code('cities.to_csv("clean.csv")\nopen("notes.txt", "w").write("ok")', [{ output_type: 'execute_result', execution_count: 102, data: { 'text/plain': '2' }, metadata: {} }], {
      checkpoint: saved({ files: { created: ['clean.csv', 'notes.txt'], changed: ['cities.csv'], deleted: ['old.csv'] }, unsaved: [{ name: 'handle', reason: 'an open file' }] }),
    }),
    code('rows = [r for r in range(10)]', [], { author: 'user', undone: true, checkpoint: saved({}) }),
    code('cities["density"] = cities.people / cities.area_km2\ncities.head()', [{ output_type: 'stream', name: 'stdout', text: 'density added\n' }], {
      stale: true,
      staleBecause: { cellId: 'gallery-101', names: ['cities'] },
      edited: { before: 'cities["density"] = cities.people / cities.area\ncities.head()', at: '2024-05-01T10:02:00.000Z', outputChanged: true },
      checkpoint: { status: 'failed', message: 'the kernel could not pickle a generator' },
    }),
    code('summary = cities.describe()', [], { author: 'user', imported: true, status: 'ok', executionCount: 4 }),
    code('total = cities.people.sum()\nprint(total)', [{ output_type: 'stream', name: 'stdout', text: '1111852\n' }], { author: 'user', checkpoint: saved({}) }),
  ];
}

/** A user's cell waiting in `input()` (pair it with a `stdin` prompt on its id). */
export function waitingForInputCells(): Cell[] {
  counter = 200;
  return [code('name = input("Your name? ")\nprint("hello", name)', [{ output_type: 'stream', name: 'stdout', text: 'Asking for a name\n' }], { status: 'running', executionCount: null, endedAt: undefined, startedAt: new Date(Date.now() - 2_000).toISOString(), author: 'user' })];
}
