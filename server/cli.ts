import { loadConfig } from './config.ts';
import { backupSqlite, restoreSqlite } from './store/backup.ts';
import { sqliteFile } from './store/index.ts';
import { serverRunning } from './store/server-lock.ts';

const USAGE = `Usage: npm run talkbook -- <command>

  backup FILE    copy the SQLite store (TALKBOOK_DATA_DIR/talkbook.db) to FILE, while Talkbook runs
  restore FILE   replace the store with the backup FILE (stop Talkbook first); the current
                 database is kept beside it as talkbook.db.before-restore-<time>

With DATABASE_URL (PostgreSQL), use pg_dump and pg_restore: docs/deploy.md, "Backups".`;

/** `npm run talkbook -- …`: operator commands. */
async function main(argv: string[]): Promise<number> {
  const [command, file] = argv;
  const config = loadConfig(process.env);
  if ((command !== 'backup' && command !== 'restore') || !file) {
    console.error(USAGE);
    return 2;
  }
  if (config.databaseUrl) {
    console.error(`DATABASE_URL points at PostgreSQL: back it up with pg_dump (docs/deploy.md, "Backups").`);
    return 2;
  }
  const database = sqliteFile(config.dataDir);
  if (command === 'backup') {
    const bytes = await backupSqlite(database, file);
    console.log(`Backed up ${database} to ${file} (${(bytes / 1024 / 1024).toFixed(1)} MB).`);
    return 0;
  }
  const running = serverRunning(database);
  if (running) {
    console.error(`Talkbook (pid ${running}) is using ${database}: stop it, then restore.`);
    return 1;
  }
  const kept = await restoreSqlite(database, file);
  console.log(`Restored ${database} from ${file}.${kept ? ` The database it replaced is ${kept}.` : ''}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
