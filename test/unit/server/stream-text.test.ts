import { describe, expect, it } from 'vitest';
import { appendStreamText } from '../../../server/protocol/index.ts';

const fold = (chunks: string[]) => chunks.reduce(appendStreamText, '');

describe('appendStreamText', () => {
  it('concatenates plain text', () => {
    expect(fold(['a', 'b\n', 'c'])).toBe('ab\nc');
  });

  it('collapses carriage-return progress bars into one line', () => {
    expect(fold(['\r 10%', '\r 50%', '\r100%\n', 'done\n'])).toBe('100%\ndone\n');
    expect(fold(['working 1\r', 'working 2\r', 'finished'])).toBe('finished');
  });

  it('keeps \\r\\n as a newline', () => {
    expect(fold(['a\r\nb'])).toBe('a\nb');
    expect(fold(['a\r', '\nb'])).toBe('a\nb');
  });

  it('applies backspaces without crossing lines', () => {
    expect(fold(['abc\b\bX'])).toBe('aX');
    expect(fold(['ab\n', '\b\bc'])).toBe('ab\nc');
  });

  it('gives the same text however the chunks are split', () => {
    const whole = 'line 1\nprogress 1\rprogress 2\rprogress 3\ntail\b!\n';
    for (let cut = 0; cut < whole.length; cut++) {
      expect(fold([whole.slice(0, cut), whole.slice(cut)])).toBe(appendStreamText('', whole));
    }
  });

  it('stays linear on long outputs', () => {
    let text = '';
    const started = performance.now();
    for (let i = 0; i < 20_000; i++) text = appendStreamText(text, `line ${i}\n`);
    expect(text.split('\n')).toHaveLength(20_001);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
