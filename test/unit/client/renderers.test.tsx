import { describe, expect, it } from 'vitest';
import { renderToString } from 'react-dom/server';
import { OutputView } from '../../../client/src/outputs/output-view.tsx';
import { OutputArea } from '../../../client/src/outputs/output-area.tsx';
import { OutputBoundary } from '../../../client/src/outputs/output-boundary.tsx';
import { frameMessage } from '../../../client/src/outputs/media/frame-messages.ts';
import type { Output } from '../../../client/src/protocol.ts';
import { display, stdout } from './fixtures.ts';

const render = (output: Output) => renderToString(<OutputView output={output} />);

describe('output renderers', () => {
  it('stream text is escaped, never HTML', () => {
    const html = render(stdout('<script>alert(1)</script>\n'));
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('stream-stdout');
  });

  it('ANSI colours in a traceback become themed classes', () => {
    const html = render({
      output_type: 'error',
      ename: 'NameError',
      evalue: "name 'x' is not defined",
      traceback: ['\u001b[0;31mNameError\u001b[0m: name x is not defined'],
    });
    expect(html).toContain('class="ansi-red-fg"');
    expect(html).toContain('NameError');
    expect(html).not.toContain('\u001b');
  });

  it('an error without traceback shows ename: evalue', () => {
    expect(render({ output_type: 'error', ename: 'KeyError', evalue: "'a'", traceback: [] })).toContain('KeyError: &#x27;a&#x27;');
  });

  it('PNG becomes a data-URL image at its metadata size', () => {
    const html = render({
      output_type: 'display_data',
      data: { 'image/png': 'iVBORw0KGgo=\n', 'text/plain': '<Figure>' },
      metadata: { 'image/png': { width: 320, height: 240 } },
    });
    expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(html).toContain('width="320"');
    expect(html).not.toContain('&lt;Figure&gt;');
  });

  it('HTML goes into an iframe sandboxed with allow-scripts only', () => {
    const html = render(display({ 'text/html': '<table class="dataframe"><tr><td>1</td></tr></table>', 'text/plain': 'df' }));
    expect(html).toMatch(/<iframe[^>]*sandbox="allow-scripts"/);
    expect(html).not.toContain('allow-same-origin');
    expect(html).toContain('src="/frame.html"');
    // The markup is posted to the frame later: it never enters the page itself.
    expect(html).not.toContain('dataframe');
  });

  it('SVG goes into a sandboxed iframe too', () => {
    const html = render(display({ 'image/svg+xml': '<svg onload="alert(1)"></svg>' }));
    expect(html).toMatch(/<iframe[^>]*sandbox="allow-scripts"/);
    expect(html).not.toContain('<svg onload');
  });

  it('JSON becomes a collapsible tree', () => {
    const html = render(display({ 'application/json': { name: 'talkbook', tags: ['a', 'b'], n: 2, ok: true, none: null } }));
    expect(html).toContain('<details open');
    expect(html).toContain('json-string');
    expect(html).toContain('2 items');
    expect(html).toContain('json-null');
  });

  it('text/plain is the fallback; unknown bundles say so', () => {
    expect(render(display({ 'text/plain': 'just text' }))).toContain('just text');
    expect(render(display({ 'application/x-unknown': 1 }))).toContain('No renderer for this output');
  });

  it('Markdown and LaTeX show their source while the renderer loads', () => {
    expect(render(display({ 'text/markdown': '# Title' }))).toContain('# Title');
    expect(render(display({ 'text/latex': '$x^2$' }))).toContain('$x^2$');
  });

  it('cuts very long text with a Show all button', () => {
    const long = Array.from({ length: 1000 }, (_, index) => `line ${index}`).join('\n');
    const html = render(stdout(long));
    expect(html).toContain('Show all');
    expect(html).toContain('line 0');
    expect(html).toContain('line 999');
    expect(html).not.toContain('line 500\n');
  });

  it('an output area renders each output', () => {
    const html = renderToString(<OutputArea outputs={[stdout('one\n'), display({ 'text/plain': 'two' })]} />);
    expect(html).toContain('one');
    expect(html).toContain('two');
  });

  it('the error boundary turns a thrown error into a note', () => {
    const state = OutputBoundary.getDerivedStateFromError(new Error('boom'));
    expect(state.error.message).toBe('boom');
  });
});

describe('frameMessage', () => {
  it('accepts only ready and finite height messages', () => {
    expect(frameMessage.safeParse({ type: 'talkbook:frame-ready' }).success).toBe(true);
    expect(frameMessage.safeParse({ type: 'talkbook:frame-height', height: 120 }).success).toBe(true);
    expect(frameMessage.safeParse({ type: 'talkbook:frame-height', height: Infinity }).success).toBe(false);
    expect(frameMessage.safeParse({ type: 'talkbook:frame-height', height: '9e9' }).success).toBe(false);
    expect(frameMessage.safeParse({ type: 'navigate', url: 'https://example.com' }).success).toBe(false);
  });
});
