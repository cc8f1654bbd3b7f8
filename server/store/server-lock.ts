import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * `<database>.pid`: which server process uses an SQLite store, so a restore refuses to replace
 * a database under a running server. Written at start, removed at close.
 */
export function claimDatabase(databaseFile: string): () => void {
  const file = `${databaseFile}.pid`;
  writeFileSync(file, String(process.pid), { mode: 0o600 });
  return () => {
    try {
      if (readFileSync(file, 'utf8') === String(process.pid)) rmSync(file, { force: true });
    } catch {
      // gone already
    }
  };
}

/** The pid of a live server using the store, if there is one. */
export function serverRunning(databaseFile: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(`${databaseFile}.pid`, 'utf8'));
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}
