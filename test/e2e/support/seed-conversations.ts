import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cell, CodeCell } from '../../../server/protocol/index.ts';
import { SqliteStore, sqliteFile, type StoredConversation } from '../../../server/store/index.ts';

/** What the sidebar tests search for, and where each word is. */
export const SEEDED = {
  count: 130,
  /** In an output of an early cell of a 40-cell conversation (so opening it there means scrolling up). */
  inOutput: 'quetzalcoatlus',
  /** In the code of one conversation. */
  inCode: 'fjordlengths',
  /** In an assistant's answer. */
  inAnswer: 'bioluminescence',
  /** In an output next to markup that must stay text. */
  nextToMarkup: 'zanzibar',
} as const;

export interface SeededData {
  dataDir: string;
  /** Newest first, as the list orders them. */
  ids: string[];
  titles: Map<string, string>;
  /** The conversation and cell of each seeded word. */
  where: Record<'inOutput' | 'inCode' | 'inAnswer' | 'nextToMarkup', { conversationId: string; cellId: string }>;
}

const at = (n: number, i = 0) => new Date(Date.UTC(2026, 0, 1) + n * 3_600_000 + i * 1000).toISOString();

function code(n: number, i: number, source: string, text: string): CodeCell {
  return { id: randomUUID(), kind: 'code', createdAt: at(n, i), source, author: 'assistant', status: 'ok', executionCount: i, outputs: [{ output_type: 'stream', name: 'stdout', text }] };
}

/**
 * A data folder whose SQLite store holds `SEEDED.count` conversations (questions, code with
 * output, answers), written through the store itself before a server starts on it.
 */
export async function seedConversations(): Promise<SeededData> {
  const dataDir = await mkdtemp(join(tmpdir(), 'talkbook-sidebar-'));
  const store = await SqliteStore.open(sqliteFile(dataDir));
  const where = {} as SeededData['where'];
  const ids: string[] = [];
  const titles = new Map<string, string>();
  try {
    for (let n = 0; n < SEEDED.count; n++) {
      const id = randomUUID();
      const cells: Cell[] = [];
      const size = n === 3 ? 40 : 3 + (n % 4);
      for (let i = 0; cells.length < size; i++) {
        cells.push({ id: randomUUID(), kind: 'user', createdAt: at(n, i), text: `How many rows does table ${i} of batch ${n} have?` });
        const note = n === 3 && i === 1 ? ` the ${SEEDED.inOutput} fossil table` : n === 7 && i === 0 ? ` <img src=x onerror="window.__pwned=1"><b>bold</b> ${SEEDED.nextToMarkup}` : '';
        const source = n === 20 && i === 0 ? `${SEEDED.inCode} = measure_fjords()\nlen(${SEEDED.inCode})` : `len(tables[${i}])`;
        cells.push(code(n, i, source, `${(n * 17 + i) % 1000} rows${note}\n`));
        const answer = n === 90 && i === 0 ? `The ${SEEDED.inAnswer} readings peak at night.` : `Table ${i} has ${(n * 17 + i) % 1000} rows.`;
        cells.push({ id: randomUUID(), kind: 'assistant', createdAt: at(n, i), text: answer });
      }
      const stored: StoredConversation = { id, title: `Batch ${n} row counts`, kernel: 'python3', createdAt: at(n), updatedAt: at(n, 60), seq: 100_000, ownerId: null, cells: cells.slice(0, size) };
      await store.createConversation(stored);
      const cellWith = (word: string) => stored.cells.find((cell) => JSON.stringify(cell).includes(word))?.id;
      for (const [key, word] of Object.entries({ inOutput: SEEDED.inOutput, inCode: SEEDED.inCode, inAnswer: SEEDED.inAnswer, nextToMarkup: SEEDED.nextToMarkup })) {
        const cellId = cellWith(word);
        if (cellId) where[key as keyof SeededData['where']] = { conversationId: id, cellId };
      }
      ids.unshift(id);
      titles.set(id, stored.title);
    }
  } finally {
    await store.close();
  }
  return { dataDir, ids, titles, where };
}
