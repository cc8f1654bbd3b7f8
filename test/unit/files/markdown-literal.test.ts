import { describe, expect, it } from 'vitest';
import { codeBlock, codeSpan } from '../../../server/files/markdown-literal.ts';
import { uploadNoticeText } from '../../../server/files/upload-summary.ts';

describe('text from a file inside Talkbook\'s Markdown', () => {
  it.each([
    ['plain', '`plain`'],
    ['[click](http://evil.example)', '`[click](http://evil.example)`'],
    ['a`b', '``a`b``'],
    ['`start', '`` `start ``'],
    ['two\nlines', '`two lines`'],
  ])('shows %j as one code span', (text, expected) => {
    expect(codeSpan(text)).toBe(expected);
  });

  it('fences a block longer than any backtick run inside it', () => {
    expect(codeBlock('a\n```\nb')).toBe('````\na\n```\nb\n````');
  });

  it('never lets a column name, a sheet name or a file name become a link or an image', () => {
    const text = uploadNoticeText('![x](http://evil/a.png).csv', 10, {
      ok: true,
      rows: 1,
      columns: 1,
      dtypes: [{ name: '**[click me](http://evil.example)**', dtype: 'object' }],
      head: '```\n[x](y)',
      sheets: ['[s](http://evil)', 'two'],
    });
    expect(text).toContain('`![x](http://evil/a.png).csv`');
    expect(text).toContain('`**[click me](http://evil.example)**` (object)');
    expect(text).toContain('`[s](http://evil)`');
    expect(text).toContain('````\n```\n[x](y)\n````');
  });
});
