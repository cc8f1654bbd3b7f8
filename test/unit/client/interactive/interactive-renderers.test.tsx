import { describe, expect, it } from 'vitest';
import { renderToString } from 'react-dom/server';
import { OutputView } from '../../../../client/src/outputs/output-view.tsx';
import { MIME_PRIORITY } from '../../../../client/src/outputs/renderers/registry.ts';
import { selectMimeType } from '../../../../client/src/mime/select-mime-type.ts';
import type { Output } from '../../../../client/src/protocol.ts';
import { chart, sinCos } from './chart-samples.ts';

const render = (output: Output) => renderToString(<OutputView output={output} />);
const display = (data: Record<string, unknown>, metadata: Record<string, unknown> = {}): Output => ({ output_type: 'display_data', data, metadata });
const table = {
  version: 1,
  kind: 'dataframe',
  columns: [
    { name: '', dtype: 'int64', kind: 'number', index: true },
    { name: 'city', dtype: 'object', kind: 'string', index: false },
  ],
  rows: [
    [0, 'Lisbon'],
    [1, '<b>Porto</b>'],
  ],
  totalRows: 5000,
  totalColumns: 1,
  truncated: true,
};

describe('interactive MIME types', () => {
  it('come before the PNG and HTML they describe', () => {
    expect(selectMimeType({ 'image/png': 'x', 'application/vnd.talkbook.chart+json': {} }, MIME_PRIORITY)).toBe('application/vnd.talkbook.chart+json');
    expect(selectMimeType({ 'text/html': '<table>', 'application/vnd.talkbook.table+json': {} }, MIME_PRIORITY)).toBe('application/vnd.talkbook.table+json');
    expect(selectMimeType({ 'text/html': '<div>', 'application/vnd.plotly.v1+json': {} }, MIME_PRIORITY)).toBe('application/vnd.plotly.v1+json');
    expect(selectMimeType({ 'text/plain': 'c', 'application/vnd.vegalite.v5+json': {} }, MIME_PRIORITY)).toBe('application/vnd.vegalite.v5+json');
  });

  it('a chart offers the interactive view and the PNG (shown while the chart code loads)', () => {
    const html = render(display({ 'application/vnd.talkbook.chart+json': chart([sinCos]), 'image/png': 'iVBORw0KGgo=', 'text/plain': '<Figure>' }, { 'image/png': { width: 600, height: 400 } }));
    expect(html).toContain('aria-label="Chart view"');
    expect(html).toMatch(/aria-pressed="true"[^>]*>Interactive/);
    expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo="');
  });

  it('a chart the page cannot draw shows its PNG alone', () => {
    const html = render(display({ 'application/vnd.talkbook.chart+json': { version: 1, nonsense: true }, 'image/png': 'iVBORw0KGgo=' }));
    expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(html).not.toContain('Chart view');
  });

  it('a table renders sortable headers, escaped cells, index cells as row headers, and the rows not shown', () => {
    const html = render(display({ 'application/vnd.talkbook.table+json': table, 'text/html': '<table class="dataframe"></table>' }));
    expect(html).toContain('aria-sort="none"');
    expect(html).toContain('<th scope="row" class="numeric" title="0">0</th>');
    expect(html).toContain('Lisbon');
    expect(html).toContain('&lt;b&gt;Porto&lt;/b&gt;');
    expect(html).toContain('4,998 more rows are not shown');
    expect(html).toContain('5,000 rows × 1 columns');
    expect(html).not.toContain('iframe');
  });

  it('an invalid table falls back to the HTML in the sandboxed frame', () => {
    const html = render(display({ 'application/vnd.talkbook.table+json': { rows: 'no' }, 'text/html': '<table class="dataframe"></table>' }));
    expect(html).toMatch(/<iframe[^>]*sandbox="allow-scripts"/);
  });

  it('Plotly and Vega-Lite render in the sandboxed frame, never in the page', () => {
    for (const mime of ['application/vnd.plotly.v1+json', 'application/vnd.vegalite.v5+json']) {
      const html = render(display({ [mime]: { data: [], title: '<img src=x onerror=alert(1)>' } }));
      expect(html).toMatch(/<iframe[^>]*sandbox="allow-scripts"/);
      expect(html).not.toContain('allow-same-origin');
      expect(html).not.toContain('onerror');
    }
  });
});
