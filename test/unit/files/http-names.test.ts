import { describe, expect, it } from 'vitest';
import { attachmentDisposition } from '../../../server/files/content-disposition.ts';
import { contentTypeOf } from '../../../server/files/content-type.ts';

describe('attachmentDisposition', () => {
  it('gives an ASCII fallback and the exact name per RFC 5987', () => {
    expect(attachmentDisposition('data (1).csv')).toBe(`attachment; filename="data (1).csv"; filename*=UTF-8''data%20%281%29.csv`);
    expect(attachmentDisposition('résumé "v2".pdf')).toBe(
      `attachment; filename="r_sum_ _v2_.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.pdf`,
    );
    expect(attachmentDisposition("it's.txt")).toContain("filename*=UTF-8''it%27s.txt");
  });
});

describe('contentTypeOf', () => {
  it('maps known extensions, case-insensitively, and falls back to octet-stream', () => {
    expect(contentTypeOf('a.CSV')).toBe('text/csv');
    expect(contentTypeOf('plot.png')).toBe('image/png');
    expect(contentTypeOf('x.tar.gz')).toBe('application/gzip');
    expect(contentTypeOf('model.bin')).toBe('application/octet-stream');
    expect(contentTypeOf('Makefile')).toBe('application/octet-stream');
  });
});
