import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../log.ts';
import { cell } from '../protocol/index.ts';
import { SEQ_BLOCK, type ConversationStore } from './store.ts';

/** A conversation as Talkbook stored it before the database: one JSON file each. */
const jsonConversation = z.object({
  version: z.literal(1),
  id: z.string(),
  title: z.string(),
  kernel: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  seq: z.number().int(),
  cells: z.array(cell),
});

const ID = /^[a-f0-9]{32}$/;

export interface ImportReport {
  imported: number;
  /** Already in the store (an earlier, interrupted import): moved aside, not imported twice. */
  skipped: number;
  /** Files that are not valid conversations: reported, left where they are. */
  corrupt: string[];
}

/**
 * Import `<dataDir>/conversations/*.json` (what Talkbook wrote before it had a database): each
 * file in one transaction, then moved to `conversations.imported/` (never deleted). Idempotent:
 * a file whose conversation is already stored is only moved. A corrupt file is reported, skipped
 * and left in place.
 */
export async function importJsonConversations(dataDir: string, store: ConversationStore, log: Logger): Promise<ImportReport> {
  const dir = join(dataDir, 'conversations');
  const done = join(dataDir, 'conversations.imported');
  const report: ImportReport = { imported: 0, skipped: 0, corrupt: [] };
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json') && ID.test(name.slice(0, -'.json'.length))).sort();
  } catch {
    return report;
  }
  if (!names.length) return report;
  await mkdir(done, { recursive: true, mode: 0o700 });
  for (const name of names) {
    const id = name.slice(0, -'.json'.length);
    try {
      if (await store.conversationExists(id)) {
        report.skipped += 1;
      } else {
        const parsed = jsonConversation.parse(JSON.parse(await readFile(join(dir, name), 'utf8')));
        if (parsed.id !== id) throw new Error(`the file holds conversation ${parsed.id}`);
        await store.createConversation({
          id,
          title: parsed.title,
          kernel: parsed.kernel,
          createdAt: parsed.createdAt,
          updatedAt: parsed.updatedAt,
          seq: parsed.seq + SEQ_BLOCK,
          ownerId: null,
          cells: parsed.cells,
        });
        report.imported += 1;
      }
      await rename(join(dir, name), join(done, name));
    } catch (error) {
      report.corrupt.push(name);
      log.error(`skipping conversation file ${name}: it is corrupt (${error instanceof Error ? error.message.slice(0, 300) : String(error)})`);
    }
  }
  if (report.imported || report.skipped) {
    log.info(`imported ${report.imported} conversation${report.imported === 1 ? '' : 's'} from ${dir} into the database (the files are in ${done})`);
  }
  return report;
}
