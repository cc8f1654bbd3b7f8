import { describe, expect, it } from 'vitest';
import { PublicError } from '../../../server/errors.ts';
import { describeStorageFailure } from '../../../server/store/storage-failure.ts';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('describeStorageFailure', () => {
  it.each([
    [coded('ENOENT', 'connect ENOENT /tmp/talkbook-pg-x/.s.PGSQL.5432'), 'the database is not answering'],
    [coded('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.7:5432'), 'the database is not answering'],
    [coded('57P01', 'terminating connection due to administrator command'), 'the database is not answering'],
    [coded('SQLITE_FULL', 'database or disk is full'), 'the disk is full'],
    [coded('ENOSPC'), 'the disk is full'],
    [coded('SQLITE_BUSY'), 'the database is busy'],
    [coded('SQLITE_READONLY'), 'the database cannot be written'],
    [new Error('Connection terminated unexpectedly'), 'the database is not answering'],
    [new Error('relation "cells" at /srv/secret/path does not exist'), 'a database error (logged on the server)'],
    [new PublicError('The database was written by a newer Talkbook.', 500), 'The database was written by a newer Talkbook.'],
  ])('%s → %s', (error, said) => {
    expect(describeStorageFailure(error)).toBe(said);
  });

  it('never repeats a path, host or port from the driver', () => {
    for (const message of ['connect ENOENT /tmp/a/.s.PGSQL.1', 'connect ECONNREFUSED 10.1.2.3:5432', 'SqliteError: unable to open /data/talkbook.db']) {
      const said = describeStorageFailure(coded(message.split(' ')[1] ?? 'X', message));
      expect(said).not.toMatch(/\/|\d+\.\d+|5432/);
    }
  });
});
