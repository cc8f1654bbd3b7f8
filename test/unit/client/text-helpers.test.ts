import { describe, expect, it } from 'vitest';
import { ansiSpans, paletteColour } from '../../../client/src/outputs/ansi-spans.ts';
import { truncateLines } from '../../../client/src/outputs/truncate-lines.ts';
import { splitLatex } from '../../../client/src/markdown/split-latex.ts';
import { parseRoute, routePath } from '../../../client/src/router/route.ts';
import { formatElapsed } from '../../../client/src/cells/use-elapsed.ts';

describe('ansiSpans', () => {
  it('keeps plain text as one span', () => {
    expect(ansiSpans('hello')).toEqual([{ text: 'hello' }]);
    expect(ansiSpans('')).toEqual([]);
  });

  it('maps the 16 colours to classes and bold to a decoration', () => {
    const spans = ansiSpans('\u001b[1;32mok\u001b[0m done');
    expect(spans[0]).toMatchObject({ text: 'ok', className: expect.stringContaining('ansi-green-fg') });
    expect(spans[0]?.className).toContain('ansi-bold');
    expect(spans[1]).toEqual({ text: ' done' });
  });

  it('maps 256-palette and true colours to inline colours', () => {
    expect(ansiSpans('\u001b[38;5;196mx')[0]).toMatchObject({ color: 'rgb(255, 0, 0)' });
    expect(ansiSpans('\u001b[38;2;1;2;3mx')[0]).toMatchObject({ color: 'rgb(1, 2, 3)' });
    expect(paletteColour(232)).toBe('rgb(8, 8, 8)');
  });
});

describe('truncateLines', () => {
  it('leaves short text alone', () => {
    expect(truncateLines('a\nb')).toEqual({ head: 'a\nb', tail: '', hiddenLines: 0 });
  });

  it('keeps the head and the tail of long text', () => {
    const text = Array.from({ length: 10 }, (_, index) => String(index)).join('\n');
    expect(truncateLines(text, { headLines: 2, tailLines: 3 })).toEqual({ head: '0\n1', tail: '7\n8\n9', hiddenLines: 5 });
  });

  it('cuts exactly as splitting into lines would, for any text', () => {
    const bySplit = (text: string, head: number, tail: number) => {
      const lines = text.split('\n');
      if (lines.length <= head + tail + 1) return { head: text, tail: '', hiddenLines: 0 };
      return { head: lines.slice(0, head).join('\n'), tail: lines.slice(lines.length - tail).join('\n'), hiddenLines: lines.length - head - tail };
    };
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let run = 0; run < 500; run++) {
      const text = Array.from({ length: Math.floor(random() * 40) }, () => (random() < 0.4 ? '\n' : 'ab'[Math.floor(random() * 2)])).join('');
      const head = Math.floor(random() * 6);
      const tail = Math.floor(random() * 6);
      expect(truncateLines(text, { headLines: head, tailLines: tail }), JSON.stringify({ text, head, tail })).toEqual(bySplit(text, head, tail));
    }
  });

  it('cuts one enormous line by characters', () => {
    const cut = truncateLines('x'.repeat(100), { maxChars: 10 });
    expect(cut.head).toBe('xxxxx');
    expect(cut.tail).toBe('xxxxx');
    expect(cut.hiddenLines).toBeGreaterThan(0);
  });
});

describe('splitLatex', () => {
  it('strips the delimiters of one formula', () => {
    expect(splitLatex('$\\displaystyle x^{2}$')).toBe('\\displaystyle x^{2}');
    expect(splitLatex('$$a+b$$')).toBe('a+b');
    expect(splitLatex('\\[ \\frac{1}{2} \\]')).toBe('\\frac{1}{2}');
    expect(splitLatex('\\alpha')).toBe('\\alpha');
  });

  it('gives up on text mixed with math', () => {
    expect(splitLatex('$a$ and $b$')).toBeUndefined();
  });
});

describe('routes', () => {
  it('parses and builds conversation addresses', () => {
    expect(parseRoute('/')).toEqual({ name: 'home' });
    expect(parseRoute('/c/abc123')).toEqual({ name: 'conversation', id: 'abc123' });
    expect(parseRoute('/c/abc123/')).toEqual({ name: 'conversation', id: 'abc123' });
    expect(parseRoute('/elsewhere')).toEqual({ name: 'home' });
    expect(routePath({ name: 'conversation', id: 'a b' })).toBe('/c/a%20b');
  });
});

describe('formatElapsed', () => {
  it('formats seconds and minutes', () => {
    expect(formatElapsed(400)).toBe('0.4 s');
    expect(formatElapsed(125_000)).toBe('2 min 05 s');
  });
});
