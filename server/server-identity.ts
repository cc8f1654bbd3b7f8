import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newId } from './ids.ts';

/**
 * This server's stable id among many (the holder in a conversation's lease): TALKBOOK_SERVER_ID,
 * or one made once and kept in the data folder (`server-id`), so a restarted server is the same
 * holder and takes its own leases back at once.
 */
export async function serverId(configured: string | undefined, dataDir: string): Promise<string> {
  if (configured) return configured;
  const file = join(dataDir, 'server-id');
  const kept = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  if (kept) return kept;
  const made = `tb-${newId()}`;
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${made}\n`, { mode: 0o600 });
  return made;
}
