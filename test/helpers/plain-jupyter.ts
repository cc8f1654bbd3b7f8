import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

export interface PlainJupyter {
  /** `http://127.0.0.1:<port>`, for JUPYTER_URL. */
  readonly url: string;
  readonly token: string;
  /** The server's root directory: the remote side of every workspace. */
  readonly rootDir: string;
  /** GET a Jupyter REST path (e.g. `/api/kernels`) with the token. */
  get<T>(path: string): Promise<T>;
  close(): Promise<void>;
}

/**
 * Start a plain Debian `jupyter-server` with its own default kernel specs and a root directory
 * of its own, like a remote Jupyter Server or Kernel Gateway that Talkbook shares no files with.
 */
export async function startPlainJupyter(options: { startTimeoutMs?: number } = {}): Promise<PlainJupyter> {
  const base = await mkdtemp(join(tmpdir(), 'talkbook-remote-'));
  const rootDir = join(base, 'root');
  await mkdir(rootDir);
  const token = `remote-${randomBytes(8).toString('hex')}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    '-m', 'jupyter_server',
    `--ServerApp.token=${token}`,
    `--ServerApp.port=${port}`,
    '--ServerApp.port_retries=0',
    `--ServerApp.root_dir=${rootDir}`,
    '--ServerApp.open_browser=False',
    '--ServerApp.ip=127.0.0.1',
  ];
  if (process.getuid?.() === 0) args.push('--allow-root');
  const child: ChildProcess = spawn('/usr/bin/python3', args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: base, JUPYTER_RUNTIME_DIR: join(base, 'runtime') },
    // A gateway starts kernels without a path in its own folder: that folder is the root here.
    cwd: rootDir,
    stdio: 'ignore',
  });
  const headers = { Authorization: `token ${token}` };

  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(base, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    const ok = await fetch(`${url}/api/status`, { headers }).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      await close();
      throw new Error('the plain jupyter-server did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    token,
    rootDir,
    async get<T>(path: string) {
      const response = await fetch(`${url}${path}`, { headers });
      if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
      return (await response.json()) as T;
    },
    close,
  };
}
