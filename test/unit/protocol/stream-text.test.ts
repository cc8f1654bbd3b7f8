import { describe, expect, it } from 'vitest';
import { appendStreamChunk, EMPTY_STREAM, streamText } from '../../../server/protocol/index.ts';

describe('stream text', () => {
  it.each([
    ['plain text concatenates', ['a', 'b\n', 'c'], 'ab\nc'],
    ['carriage returns collapse a progress bar', ['\r 10%', '\r 50%', '\r100%\n', 'done\n'], '100%\ndone\n'],
    ['the last \\r line wins', ['working 1\r', 'working 2\r', 'finished'], 'finished'],
    ['\\r in the very first chunk applies too', ['10%\r20%\r30%\ndone\n'], '30%\ndone\n'],
    ['\\r\\n is a newline', ['a\r\nb'], 'a\nb'],
    ['\\r\\n split across chunks is a newline', ['a\r', '\nb'], 'a\nb'],
    ['shell output with \\r\\n', ['bar\r\n'], 'bar\n'],
    ['backspaces delete without crossing lines', ['abc\b\bX'], 'aX'],
    ['backspaces at a line start do nothing', ['ab\n', '\b\bc'], 'ab\nc'],
    ['a trailing \\r is kept for the next chunk', ['a\n50%\r'], 'a\n50%\r'],
  ])('%s', (_name, chunks, expected) => {
    expect(streamText(chunks)).toBe(expected);
  });

  it('gives the same text however the chunks are split', () => {
    const whole = 'line 1\nprogress 1\rprogress 2\rprogress 3\ntail\b!\nworking 1\rworking 2\r';
    for (let cut = 0; cut < whole.length; cut++) {
      for (let cut2 = cut; cut2 < whole.length; cut2 += 3) {
        expect(streamText([whole.slice(0, cut), whole.slice(cut, cut2), whole.slice(cut2)])).toBe(streamText([whole]));
      }
    }
  });

  it('reports a trailing carriage return as pending, and the next chunk rewrites that line', () => {
    const half = appendStreamChunk({ text: 'a\n', pendingReturn: false }, '50%\r');
    expect(half).toEqual({ text: 'a\n50%\r', pendingReturn: true });
    expect(appendStreamChunk(half, '100%\n')).toEqual({ text: 'a\n100%\n', pendingReturn: false });
  });
});
