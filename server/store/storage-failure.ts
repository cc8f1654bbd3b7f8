import { PublicError } from '../errors.ts';

/**
 * Why a write to the store failed, in words a person may read (shown in the page): never the
 * driver's message, which can name files, sockets and hosts. The error itself goes to the log.
 */
export function describeStorageFailure(error: unknown): string {
  if (error instanceof PublicError) return error.message;
  const code = (error as { code?: unknown } | undefined)?.code;
  switch (typeof code === 'string' ? code : '') {
    case 'ENOSPC':
    case 'SQLITE_FULL':
    case '53100':
      return 'the disk is full';
    case 'SQLITE_READONLY':
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
    case '25006':
      return 'the database cannot be written';
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
    case '53300':
      return 'the database is busy';
    case 'ECONNREFUSED':
    case 'ENOENT':
    case 'ECONNRESET':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case '57P01':
    case '57P02':
    case '57P03':
    case '08000':
    case '08001':
    case '08003':
    case '08006':
      return 'the database is not answering';
    default:
      return /terminated|timeout|not open|closed/i.test(error instanceof Error ? error.message : '') ? 'the database is not answering' : 'a database error (logged on the server)';
  }
}
