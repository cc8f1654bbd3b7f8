import { existsSync } from 'node:fs';
import { copyFile, rename, rm } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { SQLITE_MIGRATIONS } from './sqlite-schema.ts';

/**
 * A consistent copy of the SQLite store while Talkbook runs (SQLite's online backup API: pages
 * are copied while writers go on). Resolves with the copy's size in bytes.
 */
export async function backupSqlite(databaseFile: string, target: string): Promise<number> {
  if (!existsSync(databaseFile)) throw new Error(`There is no database at ${databaseFile} (is TALKBOOK_DATA_DIR right?).`);
  if (existsSync(target)) throw new Error(`${target} exists already: choose a new file for the backup.`);
  const db = new Database(databaseFile, { readonly: true, fileMustExist: true });
  try {
    const { totalPages } = await db.backup(target);
    return totalPages * (db.pragma('page_size', { simple: true }) as number);
  } finally {
    db.close();
  }
}

/**
 * Put a backup in place of the store (Talkbook must be stopped): the backup is checked first
 * (integrity, a Talkbook schema this code can run), the current database is kept beside it as
 * `talkbook.db.before-restore-<time>`. Resolves with that name (undefined if there was none).
 */
export async function restoreSqlite(databaseFile: string, backup: string): Promise<string | undefined> {
  if (!existsSync(backup)) throw new Error(`There is no backup at ${backup}.`);
  const check = new Database(backup, { readonly: true, fileMustExist: true });
  try {
    const integrity = check.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`${backup} is damaged (integrity_check: ${String(integrity)}).`);
    const row = check.prepare("SELECT name FROM sqlite_master WHERE name = 'talkbook_schema'").get();
    if (!row) throw new Error(`${backup} is not a Talkbook database.`);
    const { version } = check.prepare('SELECT version FROM talkbook_schema').get() as { version: number };
    if (version > SQLITE_MIGRATIONS.length) throw new Error(`${backup} was made by a newer Talkbook (schema ${version}; this one knows up to ${SQLITE_MIGRATIONS.length}).`);
  } finally {
    check.close();
  }
  let kept: string | undefined;
  if (existsSync(databaseFile)) {
    kept = `${databaseFile}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(databaseFile, kept);
    for (const suffix of ['-wal', '-shm']) {
      if (existsSync(databaseFile + suffix)) await rename(databaseFile + suffix, kept + suffix);
    }
  }
  const temp = `${databaseFile}.restoring`;
  await copyFile(backup, temp);
  await rename(temp, databaseFile).catch(async (error: unknown) => {
    await rm(temp, { force: true });
    throw error;
  });
  return kept;
}
