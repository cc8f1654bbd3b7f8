import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { conversationDetail, conversationSummary } from '../../server/protocol/index.ts';
import { streamText } from '../helpers/outputs.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { TestSocket } from '../helpers/test-socket.ts';

/**
 * Issue 21: a throw in a timer (`JSON.stringify` in a debounced save) ended the process and every
 * conversation in it. Every edge masks its own errors; should something still escape, the
 * `uncaughtException` handler logs it and the server, with its conversations and kernels, goes on.
 */
let server: ServerProcess | undefined;
let folder: string | undefined;
afterAll(async () => {
  await server?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

it('keeps serving, with its conversations and their kernels, after an exception nothing caught', async () => {
  folder = await mkdtemp(join(tmpdir(), 'talkbook-last-resort-'));
  const marker = join(folder, 'alive');
  server = await startServerProcess({
    nodeArgs: ['--import', './test/helpers/throw-on-signal.ts'],
    env: { THROW_ON_SIGNAL_MARKER: marker, TALKBOOK_KERNEL_POOL: '0' },
  });
  const { id } = conversationSummary.parse(await (await server.api('/api/conversations', { method: 'POST', body: '{}' })).json());
  const url = `${server.url.replace(/^http/, 'ws')}/api/conversations/${id}/ws?token=${server.token}&after=0`;
  const socket = await TestSocket.open(url);
  await socket.run('kept = 41');

  server.signal('SIGUSR2');
  let gone = false;
  const exited = server.exited().then((code) => {
    gone = true;
    return `exited (${code})`;
  });
  const survived = (async () => {
    while (!gone && !existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 50));
    return gone ? 'exited' : 'survived';
  })();
  expect(await Promise.race([survived, exited])).toBe('survived');

  expect((await server.api('/api/health')).status).toBe(200);
  // The same kernel, variables and all: nothing was restarted.
  expect(streamText((await socket.run('print(kept + 1)')).cell.outputs)).toBe('42\n');
  await socket.close();
  expect(conversationDetail.parse(await (await server.api(`/api/conversations/${id}`)).json()).cells.length).toBeGreaterThan(0);
}, 120_000);
