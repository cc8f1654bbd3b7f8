import { describe, expect, it } from 'vitest';
import { isSafeFileName, isWorkspaceName, safeFileName, suffixedName } from '../../../server/files/safe-name.ts';

describe('safeFileName', () => {
  it('keeps ordinary names', () => {
    expect(safeFileName('sales.csv')).toBe('sales.csv');
    expect(safeFileName('data (1).csv')).toBe('data (1).csv');
    expect(safeFileName('Données été.xlsx')).toBe('Données été.xlsx');
  });

  it('strips directories of both kinds, so traversal cannot leave the folder', () => {
    expect(safeFileName('../../x')).toBe('x');
    expect(safeFileName('..\\..\\windows\\system.ini')).toBe('system.ini');
    expect(safeFileName('/etc/passwd')).toBe('passwd');
    expect(safeFileName('a/b\\c.txt')).toBe('c.txt');
    expect(safeFileName('x/..')).toBe('upload');
  });

  it('removes control characters and bidi overrides', () => {
    expect(safeFileName('a\u0000b\nc\r.txt')).toBe('abc.txt');
    expect(safeFileName('invoice\u202egpj.exe')).toBe('invoicegpj.exe');
  });

  it('never makes hidden files and trims trailing dots and spaces', () => {
    expect(safeFileName('.bashrc')).toBe('bashrc');
    expect(safeFileName('...env')).toBe('env');
    expect(safeFileName(' . hidden ')).toBe('hidden');
    expect(safeFileName('name. . ')).toBe('name');
  });

  it('falls back to "upload" when nothing is left', () => {
    expect(safeFileName('')).toBe('upload');
    expect(safeFileName(undefined)).toBe('upload');
    expect(safeFileName('..')).toBe('upload');
    expect(safeFileName('/')).toBe('upload');
    expect(safeFileName('\u0001\u0002')).toBe('upload');
  });

  it('defuses reserved device names and the partial-upload pattern', () => {
    expect(safeFileName('CON')).toBe('_CON');
    expect(safeFileName('nul.txt')).toBe('_nul.txt');
    expect(safeFileName('lpt1.csv')).toBe('_lpt1.csv');
    expect(safeFileName('console.log')).toBe('console.log');
    expect(safeFileName('~talkbook-upload-abcdef.part')).toBe('_~talkbook-upload-abcdef.part');
  });

  it('limits the length to 200 bytes and keeps the extension', () => {
    const long = safeFileName(`${'é'.repeat(300)}.csv`);
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(200);
    expect(long.endsWith('é.csv')).toBe(true);
  });

  it('is idempotent', () => {
    for (const raw of ['../../x', ' .a. ', 'CON', `${'x'.repeat(400)}.tar.gz`, 'a\u0000b']) {
      const once = safeFileName(raw);
      expect(safeFileName(once)).toBe(once);
      expect(isSafeFileName(once)).toBe(true);
    }
  });
});

describe('isWorkspaceName', () => {
  it('accepts plain names, refuses paths, hidden names and partial uploads', () => {
    expect(isWorkspaceName('out.png')).toBe(true);
    expect(isWorkspaceName('con.txt')).toBe(true);
    expect(isWorkspaceName('../x')).toBe(false);
    expect(isWorkspaceName('a\\b')).toBe(false);
    expect(isWorkspaceName('.env')).toBe(false);
    expect(isWorkspaceName('')).toBe(false);
    expect(isWorkspaceName('a\nb')).toBe(false);
    expect(isWorkspaceName('~talkbook-upload-0a1b.part')).toBe(false);
  });
});

describe('suffixedName', () => {
  it('puts the number before the extension', () => {
    expect(suffixedName('data.csv', 1)).toBe('data (1).csv');
    expect(suffixedName('README', 2)).toBe('README (2)');
    expect(suffixedName('archive.tar.gz', 3)).toBe('archive (3).tar.gz');
    expect(suffixedName('v1.2 notes.txt', 1)).toBe('v1.2 notes (1).txt');
  });
});
