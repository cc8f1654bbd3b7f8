import { expect, it } from 'vitest';
import { grammarFor, highlightSource } from '../../../client/src/cells/highlight.ts';

it('highlights code in the kernel language, and leaves unknown ones plain', () => {
  expect(grammarFor('python')).toBe('python');
  expect(grammarFor('R')).toBe('r');
  expect(grammarFor('julia')).toBe('plaintext');
  expect(grammarFor(undefined)).toBe('python');
  expect(highlightSource('def f(): pass', 'python')).toContain('hljs-keyword');
  expect(highlightSource('f <- function(x) x', 'R')).toContain('hljs-keyword');
  expect(highlightSource('f <- function(x) x', 'R')).not.toEqual(highlightSource('f <- function(x) x', 'python'));
  expect(highlightSource('x = <b>', 'julia')).toBe('x = &lt;b&gt;');
});
