import { describe, expect, it } from 'vitest';
import { extractFencedCode, FenceSplitter, type ReplySegment } from '../../../server/assistant/fence-splitter.ts';
import { fenceLanguage } from '../../../server/assistant/kernel-language.ts';

const python = fenceLanguage({ language: 'python', fileExtension: '.py' });
const r = fenceLanguage({ language: 'R', fileExtension: '.r' });

/** Feeds `text` in pieces of `size` characters, like a token stream. */
function stream(text: string, size: number, language = python): ReplySegment[] {
  const splitter = new FenceSplitter(language);
  const out: ReplySegment[] = [];
  for (let i = 0; i < text.length; i += size) out.push(...splitter.push(text.slice(i, i + size)));
  out.push(...splitter.end());
  // Adjacent text pieces are one piece of prose.
  return out.reduce<ReplySegment[]>((acc, seg) => {
    const last = acc[acc.length - 1];
    if (last?.type === 'text' && seg.type === 'text') last.text += seg.text;
    else acc.push({ ...seg });
    return acc;
  }, []);
}

const reply = 'Let me compute.\n```python\nx = 6 * 7\nprint(x)\n```\nThen plot:\n```py\nplt.plot([1])\n```\nDone.';

describe('FenceSplitter', () => {
  it.each([1, 3, 7, 1000])('splits prose and runnable blocks in order (pieces of %i)', (size) => {
    expect(stream(reply, size)).toEqual([
      { type: 'text', text: 'Let me compute.\n' },
      { type: 'code', code: 'x = 6 * 7\nprint(x)' },
      { type: 'text', text: 'Then plot:\n' },
      { type: 'code', code: 'plt.plot([1])' },
      { type: 'text', text: 'Done.' },
    ]);
  });

  it('runs untagged blocks for Python, but not blocks in other languages', () => {
    const text = 'a\n```\nprint(1)\n```\n```text\nnot code\n```\n```bash\nls\n```\n';
    expect(extractFencedCode(text, python)).toEqual(['print(1)']);
    const segments = stream(text, 2);
    expect(segments.filter((s) => s.type === 'text').map((s) => (s as { text: string }).text).join('')).toContain(
      '```text\nnot code\n```\n```bash\nls\n```\n',
    );
  });

  it('uses the language name and extension for other kernels', () => {
    expect(extractFencedCode('```r\nx <- 1\n```\n```R\ny <- 2\n```\n```\nz\n```\n```python\nq\n```', r)).toEqual([
      'x <- 1',
      'y <- 2',
    ]);
  });

  it('honours longer fences, tildes and indentation', () => {
    const text = '````python\nprint("```")\n````\n~~~py\nb = 2\n~~~\n  ```python\n  if x:\n      y()\n  ```\n';
    expect(extractFencedCode(text, python)).toEqual(['print("```")', 'b = 2', 'if x:\n    y()']);
  });

  it('does not treat backticks in the middle of a line as a fence', () => {
    expect(stream('Use `x` and ``` inline ```python\nok', 1)).toEqual([
      { type: 'text', text: 'Use `x` and ``` inline ```python\nok' },
    ]);
  });

  it('runs an unclosed block at the end of the reply', () => {
    expect(extractFencedCode('Here:\n```python\nprint(2)\n', python)).toEqual(['print(2)']);
  });

  it('releases prose before the line ends, so it streams', () => {
    const splitter = new FenceSplitter(python);
    expect(splitter.push('Hello wor')).toEqual([{ type: 'text', text: 'Hello wor' }]);
    expect(splitter.push('ld\n``')).toEqual([{ type: 'text', text: 'ld\n' }]);
    expect(splitter.push('`py')).toEqual([]);
    expect(splitter.push('thon\n1+1\n```')).toEqual([]);
    expect(splitter.end()).toEqual([{ type: 'code', code: '1+1' }]);
  });
});
