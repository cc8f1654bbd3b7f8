import { spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { streamText } from '../helpers/outputs.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';

/**
 * Workspaces hold uploaded data: no other local account may read or change them. `nobody`
 * stands in for any other user of the host; the data folder is world-readable as `./data` is
 * after a plain `mkdir`, so only the workspace's own modes stand in the way.
 */
const root = process.getuid?.() === 0;
let tb: TestTalkbook;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'talkbook-perms-'));
  await chmod(dataDir, 0o755);
  tb = await startTestTalkbook({ TALKBOOK_DATA_DIR: dataDir });
});
afterAll(async () => {
  await tb?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Run `script` with sh as the `nobody` account; its exit status and output. */
function asNobody(script: string): { status: number | null; output: string } {
  const result = spawnSync('/usr/sbin/runuser', ['-u', 'nobody', '--', '/bin/sh', '-c', script], { encoding: 'utf8', timeout: 10_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

it.runIf(root)('another local account can neither read nor change an upload, and the kernel can do both', async () => {
  const { id } = await tb.createConversation();
  const socket = await tb.connect(id);
  const form = new FormData();
  form.append('file', new Blob(['the secret figures']), 'secret.csv');
  expect((await tb.api(`/api/conversations/${id}/files`, { method: 'POST', body: form })).status).toBe(201);
  const { cell } = await socket.run(`
import os
print(open('secret.csv').read())
with open('secret.csv', 'a') as f:
    f.write(' and more')
open('written-by-kernel.txt', 'w').write('kernel data')
print(os.getuid())
`);
  const [content, uid] = streamText(cell.outputs).trim().split('\n');
  expect(content).toBe('the secret figures');

  const workspace = join(dataDir, 'workspaces', id);
  // Private to the kernel's own user: folder 0700, files 0600.
  const folder = await stat(workspace);
  expect(folder.mode & 0o777).toBe(0o700);
  for (const name of ['secret.csv', 'written-by-kernel.txt']) {
    const file = await stat(join(workspace, name));
    expect(file.mode & 0o777).toBe(0o600);
    if (tb.instance.config.sandbox.mode !== 'off') expect(file.uid).toBe(Number(uid));
  }

  expect(asNobody(`cat ${workspace}/secret.csv`).status).not.toBe(0);
  expect(asNobody(`cat ${workspace}/written-by-kernel.txt`).status).not.toBe(0);
  expect(asNobody(`echo overwritten > ${workspace}/secret.csv`).status).not.toBe(0);
  expect(asNobody(`ls ${workspace}`).status).not.toBe(0);
  // Only the workspace's own modes stop it: the folders above are open to every account.
  expect(asNobody(`ls ${join(dataDir, 'workspaces')}`).status).toBe(0);

  const download = await tb.api(`/api/conversations/${id}/files/secret.csv`);
  expect(await download.text()).toBe('the secret figures and more');
  // A second upload of the same name (a new file) is the kernel's too.
  const again = new FormData();
  again.append('file', new Blob(['v2']), 'secret.csv');
  const stored = (await (await tb.api(`/api/conversations/${id}/files`, { method: 'POST', body: again })).json()) as { name: string };
  const reread = await socket.run(`print(open(${JSON.stringify(stored.name)}).read())\nopen(${JSON.stringify(stored.name)}, 'a').write('!')`);
  expect(streamText(reread.cell.outputs)).toBe('v2\n');
}, 120_000);
