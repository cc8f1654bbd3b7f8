import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { Logger } from '../log.ts';
import { cell } from '../protocol/index.ts';

export const storedConversation = z.object({
  version: z.literal(1),
  id: z.string(),
  title: z.string(),
  kernel: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  seq: z.number().int(),
  cells: z.array(cell),
});
export type StoredConversation = z.infer<typeof storedConversation>;

const ID = /^[a-f0-9]{32}$/;

/**
 * One JSON file per conversation under `<dataDir>/conversations`. Writes are atomic (a temp file
 * renamed over the old one) and serialized per conversation; a corrupt file is reported and
 * skipped, never taking the others down.
 */
export class ConversationStore {
  private readonly dir: string;
  private readonly log: Logger;
  private readonly writes = new Map<string, Promise<void>>();

  constructor(dataDir: string, log: Logger) {
    this.dir = join(dataDir, 'conversations');
    this.log = log;
  }

  async loadAll(): Promise<StoredConversation[]> {
    await mkdir(this.dir, { recursive: true });
    const names = (await readdir(this.dir)).filter((name) => name.endsWith('.json'));
    const loaded: StoredConversation[] = [];
    for (const name of names) {
      const id = name.slice(0, -'.json'.length);
      if (!ID.test(id)) continue;
      try {
        const parsed = storedConversation.parse(JSON.parse(await readFile(join(this.dir, name), 'utf8')));
        if (parsed.id !== id) throw new Error(`the file holds conversation ${parsed.id}`);
        loaded.push(parsed);
      } catch (error) {
        this.log.error(`skipping conversation file ${name}: it is corrupt (${error instanceof Error ? error.message.slice(0, 300) : error})`);
      }
    }
    return loaded;
  }

  /** Write the conversation; concurrent saves of one conversation are queued. */
  save(conversation: StoredConversation): Promise<void> {
    const previous = this.writes.get(conversation.id) ?? Promise.resolve();
    const json = JSON.stringify(conversation);
    const next = previous.then(() => this.writeAtomic(conversation.id, json));
    const settled = next.catch((error: unknown) => this.log.error(`could not save conversation ${conversation.id}`, error));
    this.writes.set(conversation.id, settled);
    void settled.then(() => {
      if (this.writes.get(conversation.id) === settled) this.writes.delete(conversation.id);
    });
    return next;
  }

  async remove(id: string): Promise<void> {
    await this.writes.get(id);
    await rm(join(this.dir, `${id}.json`), { force: true });
  }

  async flush(): Promise<void> {
    await Promise.allSettled([...this.writes.values()]);
  }

  private async writeAtomic(id: string, json: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const target = join(this.dir, `${id}.json`);
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temp, json, { mode: 0o600 });
    await rename(temp, target);
  }
}
