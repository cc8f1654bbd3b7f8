import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../server/store/index.ts';

const run = promisify(execFile);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'talkbook-backup-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `npm run talkbook -- …` as an operator runs it; resolves with its exit code and output. */
async function talkbook(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'server/cli.ts', ...args], { env: { ...process.env, TALKBOOK_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' } });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout + failed.stderr };
  }
}

const conversation = (id: string, title: string) => ({ id, title, kernel: 'python3', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', seq: 1, ownerId: null, cells: [] });

describe('backup and restore of the SQLite store', () => {
  it('backs up while the server runs, refuses to restore under it, and restores once it stopped', async () => {
    const file = join(dir, 'data', 'talkbook.db');
    const store = SqliteStore.open(file, { claim: true });
    await store.createConversation(conversation('a'.repeat(32), 'Kept'));
    const backup = join(dir, 'backup.db');
    const made = await talkbook('backup', backup);
    expect(made).toMatchObject({ code: 0, out: expect.stringContaining('Backed up') });
    expect((await talkbook('backup', backup)).out).toContain('exists already');
    // After the backup, a change the restore will take back.
    await store.createConversation(conversation('b'.repeat(32), 'Later'));
    const refused = await talkbook('restore', backup);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/Talkbook \(pid \d+\) is using .*stop it, then restore/);
    await store.close();

    const restored = await talkbook('restore', backup);
    expect(restored).toMatchObject({ code: 0, out: expect.stringContaining('The database it replaced is') });
    const back = SqliteStore.open(file);
    try {
      expect((await back.listConversations({ limit: 10 })).items.map((item) => item.title)).toEqual(['Kept']);
    } finally {
      await back.close();
    }
    expect((await readdir(join(dir, 'data'))).some((name) => name.startsWith('talkbook.db.before-restore-'))).toBe(true);
  });

  it('refuses a file that is not a Talkbook database, and says how to back up PostgreSQL', async () => {
    const { code, out } = await talkbook('restore', join(dir, 'nothing.db'));
    expect(code).toBe(1);
    expect(out).toContain('There is no backup');
    const pg = await run('npx', ['tsx', 'server/cli.ts', 'backup', 'x.db'], { env: { ...process.env, DATABASE_URL: 'postgres://u@localhost/db' } }).catch((error: { stderr: string }) => error);
    expect((pg as { stderr: string }).stderr).toContain('pg_dump');
    expect(existsSync('x.db')).toBe(false);
  });
});
