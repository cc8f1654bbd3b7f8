import { describe, expect, it } from 'vitest';
import { appendStreamChunk, appendStreamText, type StreamText } from '../../../server/protocol/index.ts';

const foldChunks = (chunks: string[]) =>
  chunks.reduce<StreamText>((acc, chunk) => appendStreamChunk(acc.text, chunk, acc.pendingReturn), { text: '', pendingReturn: false }).text;
const foldText = (chunks: string[]) => chunks.reduce(appendStreamText, '');

describe('appendStreamChunk', () => {
  it('gives what appendStreamText gives, however the chunks are split', () => {
    const whole = 'line 1\nprogress 1\rprogress 2\rprogress 3\ntail\b!\nworking 1\rworking 2\r';
    for (let cut = 0; cut < whole.length; cut++) {
      for (let cut2 = cut; cut2 < whole.length; cut2 += 3) {
        const chunks = [whole.slice(0, cut), whole.slice(cut, cut2), whole.slice(cut2)];
        expect(foldChunks(chunks)).toBe(foldText(chunks));
      }
    }
  });

  it('reports a trailing carriage return as pending', () => {
    expect(appendStreamChunk('a\n', '50%\r', false)).toEqual({ text: 'a\n50%\r', pendingReturn: true });
    expect(appendStreamChunk('a\n50%\r', '100%\n', true)).toEqual({ text: 'a\n100%\n', pendingReturn: false });
  });

  it('appends large outputs without copying the text each time', () => {
    const chunk = `${'x'.repeat(69_999)}\n`;
    let acc: StreamText = { text: '', pendingReturn: false };
    const started = performance.now();
    for (let i = 0; i < 200; i++) acc = appendStreamChunk(acc.text, chunk, acc.pendingReturn);
    expect(performance.now() - started).toBeLessThan(50);
    expect(acc.text.length).toBe(14_000_000);
  });
});
