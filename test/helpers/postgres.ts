import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './free-port.ts';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

export interface TestPostgres {
  /** A fresh, empty database on the cluster, as a DATABASE_URL. */
  database(): Promise<string>;
  /** Stop the server now (as a crash would), or start it again. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster for tests (Debian's postgresql): `initdb` in a temporary folder,
 * run as the `postgres` user when the tests run as root, listening on a unix socket in that
 * folder only, stopped and removed by `close`.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'talkbook-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const as = async (command: string, args: string[]) => {
    const argv = asRoot ? ['-u', 'postgres', '--', join(BIN, command), ...args] : args;
    return run(asRoot ? 'runuser' : join(BIN, command), argv, { timeout: 60_000 });
  };
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const uid = Number(stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    await chown(dir, uid, gid);
  }
  const user = asRoot ? 'postgres' : userInfo().username;
  await as('initdb', ['-D', data, '-A', 'trust', '-U', user, '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const options = `-k ${dir} -p ${port} -c listen_addresses= -c fsync=off -c full_page_writes=off`;
  const start = () => as('pg_ctl', ['-D', data, '-o', options, '-w', '-l', join(dir, 'log'), 'start']).then(() => undefined);
  await start();
  const url = (db: string) => `postgres://${user}@localhost/${db}?host=${encodeURIComponent(dir)}&port=${port}`;
  let count = 0;
  return {
    async database() {
      const name = `talkbook_${process.pid}_${++count}`;
      const admin = new pg.Client({ connectionString: url('postgres') });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    async stop() {
      await as('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
    },
    start,
    async close() {
      await as('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
