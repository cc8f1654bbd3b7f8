import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.ts';
import { kernelSpecList } from '../../server/protocol/index.ts';
import { parseDockerfile } from '../helpers/dockerfile.ts';
import { startTestTalkbook, type TestTalkbook } from '../helpers/talkbook.ts';
import { streamText as text } from '../helpers/outputs.ts';

/**
 * The kernel image without Docker: run kernel-config/Dockerfile's CMD with its ENV, as an
 * unprivileged user, with the image's paths mapped onto this checkout, and drive it as the
 * compose `app` service does (JUPYTER_URL). Keeps the image's runtime config honest in CI.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const image = parseDockerfile(join(repo, 'kernel-config/Dockerfile'));
const NOBODY = 65534;
const token = randomBytes(16).toString('hex');
let base: string;
let workspaces: string;
let jupyter: ChildProcess | undefined;
let tb: TestTalkbook;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'talkbook-image-'));
  workspaces = join(base, 'workspaces');
  await mkdir(workspaces);
  await mkdir(join(base, 'jupyter'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    await chmod(base, 0o755);
    await chown(workspaces, NOBODY, NOBODY);
    await chown(join(base, 'jupyter'), NOBODY, NOBODY);
  }
  const port = await freePort();
  const mapPath = (value: string) =>
    value
      .replaceAll('/opt/talkbook/kernel-config', join(repo, 'kernel-config'))
      .replaceAll('/home/kernel/workspaces', workspaces)
      .replaceAll('/tmp/jupyter', join(base, 'jupyter'));
  const env = Object.fromEntries(Object.entries(image.env).map(([name, value]) => [name, mapPath(value)]));
  const cmd = image.cmd!.map(mapPath).map((arg) =>
    arg.replace('--ServerApp.port=8888', `--ServerApp.port=${port}`).replace('--ServerApp.ip=0.0.0.0', '--ServerApp.ip=127.0.0.1'),
  );
  // The image's user is not root; here root becomes `nobody` (no home, no writable system).
  const argv = asRoot ? ['/usr/bin/setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--', ...cmd] : cmd;
  jupyter = spawn(argv[0]!, argv.slice(1), {
    cwd: workspaces,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/nonexistent', JUPYTER_TOKEN: token, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  jupyter.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-3000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`${url}/api/status`, { headers: { Authorization: `token ${token}` } }).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline || jupyter.exitCode !== null) throw new Error(`the kernel image command did not start a Jupyter server:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  tb = await startTestTalkbook({ JUPYTER_URL: url, JUPYTER_TOKEN: token, SOME_SECRET: 'canary' });
});

afterAll(async () => {
  await tb?.close();
  if (jupyter && jupyter.exitCode === null) {
    const exited = new Promise((done) => jupyter!.once('exit', done));
    jupyter.kill('SIGTERM');
    await exited;
  }
  if (base) await rm(base, { recursive: true, force: true });
});


describe('the kernel image (kernel-config/Dockerfile) run as its CMD', () => {
  it('offers exactly Talkbook\'s kernel specs', async () => {
    const specs = kernelSpecList.parse(await (await tb.api('/api/kernelspecs')).json());
    expect(specs.kernelspecs.map((spec) => spec.name)).toEqual(['ir', 'python3']);
  });

  it('runs Python with every promised library, unprivileged, without secrets', async () => {
    const { id } = await tb.createConversation();
    const socket = await tb.connect(id);
    const { cell } = await socket.run(
      [
        'import os, json, pandas, numpy, matplotlib, scipy, sklearn, seaborn, openpyxl, IPython',
        "open('probe.txt', 'w').write('ok')",
        'print(json.dumps({"uid": os.getuid(), "cwd": os.getcwd(), "env": sorted(os.environ)}))',
      ].join('\n'),
    );
    expect(cell.status).toBe('ok');
    const seen = JSON.parse(text(cell.outputs)) as { uid: number; cwd: string; env: string[] };
    expect(seen.uid).not.toBe(0);
    expect(seen.cwd).toBe(join(workspaces, id));
    expect(seen.env.filter((name) => /TOKEN|SECRET|OPENAI|JUPYTER/.test(name))).toEqual([]);
  });

  it('runs R with inline plots', async () => {
    const { id } = await tb.createConversation({ kernel: 'ir' });
    const socket = await tb.connect(id);
    const { cell } = await socket.run('df <- data.frame(x = 1:5)\nplot(df$x)');
    expect(cell.status).toBe('ok');
    expect(cell.outputs.some((o) => o.output_type === 'display_data' && 'image/png' in o.data)).toBe(true);
  });
});
