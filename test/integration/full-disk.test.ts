import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { conversationDetail, type CodeCell } from '../../server/protocol/index.ts';
import { streamText } from '../helpers/outputs.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';

/**
 * Issue 21: on a full disk cells showed done but were not saved (only the log said so), a failed
 * creation was still listed, and partial files stayed. Here the data folder is a small tmpfs of
 * its own (mounting one needs root), filled to the last byte while a conversation is open.
 */
const root = process.getuid?.() === 0;
let dataDir: string | undefined;
let mounted = false;
let tb: TestTalkbook | undefined;
const filler = () => join(dataDir!, 'filler');

beforeAll(async () => {
  if (!root) return;
  dataDir = await mkdtemp(join(tmpdir(), 'talkbook-full-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m,mode=0755', 'tmpfs', dataDir]);
  mounted = true;
  tb = await startTestTalkbook({ TALKBOOK_DATA_DIR: dataDir, TALKBOOK_KERNEL_POOL: '0', TALKBOOK_CHECKPOINT_MB: '0' });
});
afterAll(async () => {
  await tb?.close();
  if (mounted) execFileSync('umount', ['-l', dataDir!]);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** Write until the disk takes not one byte more. */
function fillTheDisk(): void {
  const fd = openSync(filler(), 'w');
  try {
    for (const size of [1024 * 1024, 4096, 1]) {
      const chunk = Buffer.alloc(size, 120);
      try {
        for (;;) writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
}

it.runIf(root)('says a conversation cannot be saved while the disk is full, keeps trying, and lists or leaves nothing half-made', async () => {
  const { id } = await tb!.createConversation({ title: 'On a full disk' });
  const socket = await tb!.connect(id);
  await socket.run('x = 1');
  const listed = (await tb!.list()).map((item) => item.id).sort();

  fillTheDisk();
  try {
    // The kernel runs the cell and its output shows; the conversation says it is not stored.
    socket.send({ type: 'run', code: "print('written', 'while full')", requestId: 'full' });
    const failing = await socket.waitFor((f) => f.type === 'storage' && !f.ok, 60_000);
    expect(failing.type === 'storage' && failing.message).toMatch(/could not be saved \(the disk is full\); Talkbook keeps trying/);
    const detail = conversationDetail.parse(await (await tb!.api(`/api/conversations/${id}`)).json());
    expect(detail.storageError).toMatch(/the disk is full/);
    // Its end is not announced while it is not stored.
    expect(socket.frames.some((f) => f.type === 'turn' && f.requestId === 'full' && f.state === 'done')).toBe(false);

    // A creation that cannot be stored is refused and listed nowhere.
    const created = await tb!.api('/api/conversations', { method: 'POST', body: JSON.stringify({ title: 'half-made' }) });
    expect(created.status).toBe(503);
    expect(((await created.json()) as { error: string }).error).toMatch(/could not be saved, so it was not created/);
    expect((await tb!.list()).map((item) => item.id).sort()).toEqual(listed);

    // An upload that does not fit leaves no partial file behind.
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(2 * 1024 * 1024, 97)]), 'big.bin');
    expect((await tb!.api(`/api/conversations/${id}/files`, { method: 'POST', body: form })).status).toBeGreaterThanOrEqual(400);
    expect(await readdir(join(dataDir!, 'workspaces', id))).toEqual([]);
  } finally {
    await rm(filler(), { force: true });
  }

  // Once there is room again it is stored, says so, and the cell's end follows.
  await socket.waitFor((f) => f.type === 'storage' && f.ok, 60_000);
  const end = await socket.waitFor((f) => f.type === 'turn' && f.requestId === 'full' && f.state !== 'started', 60_000);
  expect(end.type === 'turn' && end.state).toBe('done');
  await tb!.restart();
  const stored = conversationDetail.parse(await (await tb!.api(`/api/conversations/${id}`)).json());
  const last = stored.cells.filter((cell): cell is CodeCell => cell.kind === 'code').at(-1);
  expect(streamText(last?.outputs ?? [])).toBe('written while full\n');
  expect(stored.storageError).toBeUndefined();
}, 180_000);
