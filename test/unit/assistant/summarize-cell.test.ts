import { describe, expect, it } from 'vitest';
import { summarizeCodeCell } from '../../../server/assistant/summarize-cell.ts';
import { cutMiddle, stripAnsi } from '../../../server/assistant/text-budget.ts';
import { display, error, png, result, stderr, stdout } from './fake-turn-context.ts';

const budget = { budget: 8_000 };

describe('summarizeCodeCell', () => {
  it('keeps stdout, stderr and the text/plain of results', () => {
    const summary = summarizeCodeCell(
      { status: 'ok', outputs: [stdout('hello\n'), stdout('world\n'), stderr('careful\n'), result('42', 3)] },
      budget,
    );
    expect(summary.text).toBe('hello\nworld\n[stderr]\ncareful\nOut[3]: 42');
    expect(summary.images).toEqual([]);
  });

  it('says when there is no output', () => {
    expect(summarizeCodeCell({ status: 'ok', outputs: [] }, budget).text).toBe('(no output)');
  });

  it('applies carriage returns so progress bars are one line', () => {
    const summary = summarizeCodeCell({ status: 'ok', outputs: [stdout('10%\r50%\r100%\ndone\n')] }, budget);
    expect(summary.text).toBe('100%\ndone');
  });

  it('shows errors as ename: evalue plus the last traceback lines, without ANSI codes', () => {
    const traceback = [
      '\x1b[0;31m---------------------------------------------------------------------------\x1b[0m',
      '\x1b[0;31mZeroDivisionError\x1b[0m                         Traceback (most recent call last)',
      ...Array.from({ length: 20 }, (_, i) => `\x1b[0;32mframe ${i}\x1b[0m`),
      '\x1b[0;31mZeroDivisionError\x1b[0m: division by zero',
    ];
    const summary = summarizeCodeCell(
      { status: 'error', outputs: [stdout('before\n'), error('ZeroDivisionError', 'division by zero', traceback)] },
      { budget: 8_000, tracebackLines: 5 },
    );
    expect(summary.text).toContain('before\nZeroDivisionError: division by zero\nTraceback (last 5 of 21 lines):');
    expect(summary.text).toContain('frame 19');
    expect(summary.text).not.toContain('frame 14');
    expect(summary.text).not.toContain('\x1b');
    // The headline is not repeated at the end.
    expect(summary.text.trimEnd().endsWith('frame 19')).toBe(true);
  });

  it('describes images and HTML in a line, never as base64, and returns images for vision', () => {
    const html = `<table>${'<tr><td>1</td></tr>'.repeat(100)}</table>`;
    const summary = summarizeCodeCell(
      { status: 'ok', outputs: [png(34 * 1024), result('   a\n0  1', 2, { 'text/html': html })] },
      budget,
    );
    expect(summary.text).toContain('[image/png 34 KB image, shown to the person]');
    expect(summary.text).toContain('<Figure size 640x480 with 1 Axes>');
    expect(summary.text).toContain('[text/html table 2 KB, shown to the person]');
    expect(summary.text).toContain('   a\n0  1');
    expect(summary.text).not.toMatch(/[A-Za-z0-9+/]{100}/);
    expect(summary.images).toHaveLength(1);
    expect(summary.images[0]).toMatchObject({ mimeType: 'image/png', bytes: 34 * 1024 });
  });

  it('prefers Markdown over an object repr, and describes HTML-only output as text', () => {
    const md = summarizeCodeCell(
      { status: 'ok', outputs: [display({ 'text/markdown': '**bold**', 'text/plain': '<IPython.core.display.Markdown object>' })] },
      budget,
    );
    expect(md.text).toBe('**bold**');
    const htmlOnly = summarizeCodeCell({ status: 'ok', outputs: [display({ 'text/html': '<p>Hi &amp; bye</p>' })] }, budget);
    expect(htmlOnly.text).toBe('[text/html 19 B, shown to the person]\nHi & bye');
  });

  it('cuts long output to the budget keeping head and tail', () => {
    const lines = Array.from({ length: 5_000 }, (_, i) => `line ${i}`).join('\n');
    const summary = summarizeCodeCell({ status: 'ok', outputs: [stdout(lines)] }, { budget: 1_000 });
    expect(summary.text.length).toBeLessThan(1_200);
    expect(summary.text).toContain('line 0\n');
    expect(summary.text).toContain('line 4999');
    expect(summary.text).toMatch(/\[… [\d,]+ characters \([\d,]+ lines\) cut from the middle …\]/);
  });

  it('notes interruptions, failures and truncated storage', () => {
    const summary = summarizeCodeCell(
      { status: 'interrupted', outputs: [stdout('tick\n')], failure: 'the kernel died', outputTruncated: true },
      budget,
    );
    expect(summary.text).toContain('tick');
    expect(summary.text).toContain('[The run failed: the kernel died]');
    expect(summary.text).toContain('[The run was interrupted before it finished.]');
    expect(summary.text).toContain('stored only the first part');
  });
});

describe('text budget helpers', () => {
  it('strips colour and OSC sequences', () => {
    expect(stripAnsi('\x1b[1;31mred\x1b[0m \x1b]8;;http://x\x07link\x1b]8;;\x07')).toBe('red link');
  });

  it('leaves short text alone and says how much it cut', () => {
    expect(cutMiddle('short', 100)).toBe('short');
    const cut = cutMiddle('a'.repeat(50) + 'b'.repeat(100) + 'c'.repeat(50), 100);
    expect(cut.startsWith('a'.repeat(50))).toBe(true);
    expect(cut.endsWith('c'.repeat(40))).toBe(true);
    expect(cut).toContain('[… 100 characters cut from the middle …]');
  });
});
