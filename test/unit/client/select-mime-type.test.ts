import { describe, expect, it } from 'vitest';
import { MIME_PRIORITY } from '../../../client/src/outputs/renderers/registry.ts';
import { selectMimeType } from '../../../client/src/mime/select-mime-type.ts';
import { mimeText } from '../../../client/src/mime/mime-text.ts';

describe('selectMimeType', () => {
  it('prefers the richest type the bundle has', () => {
    expect(selectMimeType({ 'text/plain': '<DataFrame>', 'text/html': '<table/>' }, MIME_PRIORITY)).toBe('text/html');
    expect(selectMimeType({ 'text/plain': '<Figure>', 'image/png': 'iVBOR' }, MIME_PRIORITY)).toBe('image/png');
    expect(selectMimeType({ 'text/plain': 'x**2', 'text/latex': '$x^2$', 'image/png': 'iVBOR' }, MIME_PRIORITY)).toBe('text/latex');
    expect(selectMimeType({ 'application/json': { a: 1 }, 'text/plain': '{}' }, MIME_PRIORITY)).toBe('application/json');
  });

  it('falls back to text/plain', () => {
    expect(selectMimeType({ 'application/vnd.jupyter.widget-view+json': {}, 'text/plain': 'Widget' }, MIME_PRIORITY)).toBe('text/plain');
  });

  it('returns undefined when nothing is renderable, and never runs JavaScript', () => {
    expect(selectMimeType({ 'application/javascript': 'alert(1)' }, MIME_PRIORITY)).toBeUndefined();
    expect(selectMimeType({}, MIME_PRIORITY)).toBeUndefined();
  });

  it('follows the priority it is given and skips null values', () => {
    expect(selectMimeType({ 'a/x': 1, 'b/y': 2 }, ['b/y', 'a/x'])).toBe('b/y');
    expect(selectMimeType({ 'a/x': null, 'b/y': 2 }, ['a/x', 'b/y'])).toBe('b/y');
  });

  it('ignores inherited properties', () => {
    expect(selectMimeType(Object.create({ 'text/html': '<b>' }), ['text/html'])).toBeUndefined();
  });
});

describe('mimeText', () => {
  it('joins nbformat line lists and refuses non-text', () => {
    expect(mimeText('a')).toBe('a');
    expect(mimeText(['a\n', 'b'])).toBe('a\nb');
    expect(mimeText({ a: 1 })).toBeUndefined();
    expect(mimeText([1, 2])).toBeUndefined();
  });
});
