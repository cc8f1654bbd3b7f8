import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/log.ts';
import { startTalkbook } from '../../server/talkbook.ts';

/** Processes whose command line mentions `text`. */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // gone already
    }
  }
  return pids;
}

describe('starting Talkbook', () => {
  let taken: Server;
  let dataDir: string;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    dataDir = await mkdtemp(join(tmpdir(), 'talkbook-start-'));
  });
  afterAll(async () => {
    taken?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('stops the Jupyter server it started when a later step fails, and says which setting to change', async () => {
    const port = (taken.address() as AddressInfo).port;
    const env = { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', TALKBOOK_DATA_DIR: dataDir, TALKBOOK_KERNEL_POOL: '0', TALKBOOK_LOG: 'silent' };
    await expect(startTalkbook({ env, log: createLogger('silent') })).rejects.toThrow(/Could not listen on 127\.0\.0\.1:\d+: .*\(set PORT or HOST\)/);
    // The embedded Jupyter ran with its root in this data folder; nothing of it may be left.
    await expect.poll(() => processesMentioning(join(dataDir, 'workspaces')), { timeout: 15_000 }).toEqual([]);
  });
});
