import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JupyterUnavailableError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { unixFetch } from './jupyter-settings.ts';
import { kernelDeathReason } from './kernel-death.ts';
import { sweepDeadRuntimes, writeRuntimeOwner } from './runtime-owner.ts';
import { killOrphanKernels } from './orphan-kernels.ts';
import type { SandboxSettings } from './sandbox.ts';

const kernelConfigDir = resolve(fileURLToPath(new URL('../../kernel-config', import.meta.url)));

const SETPRIV = '/usr/bin/setpriv';

/** Environment variables the Jupyter server (and so every kernel) may inherit. */
const INHERITED_ENV = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ'] as const;

export interface EmbeddedJupyterOptions {
  /** Python interpreter that has `jupyter_server` and `ipykernel` (default /usr/bin/python3). */
  python: string;
  /** Root of the kernels' workspaces; each conversation gets a folder below it. */
  rootDir: string;
  /** Private folder for Jupyter's runtime files (connection files, sockets, server info). Keep the path short: unix socket paths are limited to 108 bytes. */
  runtimeDir: string;
  sandbox: SandboxSettings;
  /** Root of the kernels' checkpoint folders (one per conversation, beside its workspace; never inside `rootDir`). */
  checkpointRoot?: string;
  log: Logger;
  /** Called after the server died and came back; every kernel it held is gone. */
  onRestart?: () => void;
  /** Milliseconds to wait for the server to answer (default 30 000). */
  startTimeoutMs?: number;
}

export interface EmbeddedJupyter {
  /** `http://localhost`: only a name for the Host header, requests go to `socketPath`. */
  readonly url: string;
  readonly token: string;
  /** The unix socket Jupyter listens on (mode 0600). */
  readonly socketPath: string;
  /** True while the process runs and answered at least once since its last start. */
  readonly ready: boolean;
  /** The server process id (changes when it is restarted). */
  readonly pid: number | undefined;
  /** Why a kernel of this server died, when its sandbox can tell (an OOM kill); see kernel-death.ts. */
  deathReason(kernelId: string): Promise<string | undefined>;
  stop(): Promise<void>;
}

/**
 * Run `jupyter-server` on a unix socket of its own (`<runtimeDir>/jupyter.sock`, mode 0600: no
 * TCP port, nothing another local user can reach) with a random token and Talkbook's config from
 * `kernel-config/`; restart it if it dies. The token travels in the environment, not argv.
 */
export async function startEmbeddedJupyter(options: EmbeddedJupyterOptions): Promise<EmbeddedJupyter> {
  const { log } = options;
  const token = randomBytes(24).toString('hex');
  const socketPath = join(options.runtimeDir, 'jupyter.sock');
  // The host only fills in the Host header: every byte goes over the socket.
  const url = 'http://localhost';
  const fetchViaSocket = unixFetch(socketPath);
  await mkdir(options.rootDir, { recursive: true });
  if (options.checkpointRoot) await mkdir(options.checkpointRoot, { recursive: true, mode: 0o700 });
  await mkdir(options.runtimeDir, { recursive: true, mode: 0o700 });
  await writeRuntimeOwner(options.runtimeDir);
  // What servers that died without stopping left running goes first.
  await sweepDeadRuntimes(options.runtimeDir, log);

  let child: ChildProcess | undefined;
  let ready = false;
  let stopping = false;
  let restarts = 0;

  const launch = () => {
    const args = [
      '-m', 'jupyter_server',
      `--config=${join(kernelConfigDir, 'jupyter_server_config.py')}`,
      `--ServerApp.sock=${socketPath}`,
      '--ServerApp.sock_mode=0600',
      `--ServerApp.root_dir=${options.rootDir}`,
      '--ServerApp.open_browser=False',
    ];
    if (process.getuid?.() === 0) args.push('--allow-root');
    const env: Record<string, string> = {};
    for (const name of INHERITED_ENV) {
      const value = process.env[name];
      if (value !== undefined) env[name] = value;
    }
    Object.assign(env, {
      JUPYTER_TOKEN: token,
      JUPYTER_PATH: kernelConfigDir,
      JUPYTER_CONFIG_DIR: join(options.runtimeDir, 'config'),
      JUPYTER_DATA_DIR: join(options.runtimeDir, 'data'),
      JUPYTER_RUNTIME_DIR: join(options.runtimeDir, 'rt'),
      HOME: options.runtimeDir,
      PYTHONUNBUFFERED: '1',
      TALKBOOK_SANDBOX: JSON.stringify({ ...options.sandbox, workspaceRoot: options.rootDir, ...(options.checkpointRoot ? { checkpointRoot: options.checkpointRoot } : {}) }),
    });
    // Jupyter (and so, by their own parent-death signals, its kernels) dies with this process,
    // even when it is killed with no chance to stop them.
    const [command, argv] = existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'KILL', '--', options.python, ...args]] : [options.python, args];
    const proc = spawn(command, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let stderrTail = '';
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-4000);
      for (const line of chunk.split('\n')) if (line.trim()) log.debug(`jupyter: ${line}`);
    });
    proc.on('error', (error) => log.error(`could not run ${options.python}: ${error.message}`));
    proc.on('exit', (code, signal) => {
      if (child === proc) ready = false;
      if (stopping) return;
      log.error(`the embedded Jupyter server exited (${signal ?? code}); restarting it`, stderrTail.slice(-1500));
      restarts += 1;
      const delayMs = Math.min(5000, 200 * 2 ** Math.min(restarts, 5));
      // Its kernels went with it; anything of theirs still running goes before the next server.
      const swept = killOrphanKernels({ runtimeDir: join(options.runtimeDir, 'rt'), log });
      const relaunch = async () => {
        await swept;
        if (stopping) return;
        launch();
        const next = child!;
        waitUntilAnswering(fetchViaSocket, url, token, options.startTimeoutMs ?? 30_000, () => child !== next || next.exitCode !== null)
          .then(() => {
            ready = true;
            restarts = 0;
            log.info('the embedded Jupyter server is back; kernels will start fresh');
            options.onRestart?.();
          })
          .catch((error: unknown) => log.error('the embedded Jupyter server did not come back', error));
      };
      setTimeout(() => void relaunch(), delayMs).unref();
    });
    return () => stderrTail;
  };

  const stderrOf = launch();
  const first = child!;
  try {
    await waitUntilAnswering(fetchViaSocket, url, token, options.startTimeoutMs ?? 30_000, () => first.exitCode !== null);
  } catch (error) {
    stopping = true;
    first.kill('SIGKILL');
    throw new JupyterUnavailableError(
      `The embedded Jupyter server did not start with ${options.python}. Install it with ` +
        '`apt-get install jupyter-server python3-ipykernel` (or set TALKBOOK_PYTHON to an interpreter ' +
        `that has jupyter_server, or JUPYTER_URL to a running server). Its last words: ${stderrOf().slice(-800)}`,
      { cause: error },
    );
  }
  ready = true;
  log.info(`embedded Jupyter server on ${socketPath}`);
  // Kernels Jupyter killed but whose sandbox lived on (see killOrphanKernels), every minute.
  const sweeper = setInterval(() => {
    if (child && ready) void killOrphanKernels({ runtimeDir: join(options.runtimeDir, 'rt'), jupyterPid: child.pid, log });
  }, 60_000);
  sweeper.unref();

  return {
    url,
    token,
    socketPath,
    get ready() {
      return ready;
    },
    get pid() {
      return child?.pid;
    },
    deathReason: (kernelId) => kernelDeathReason(join(options.runtimeDir, 'rt'), kernelId),
    async stop() {
      stopping = true;
      const proc = child;
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        const exited = new Promise<void>((done) => proc.once('exit', () => done()));
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      clearInterval(sweeper);
      // Jupyter shuts its kernels down on SIGTERM; what it lost on the way is killed here.
      await killOrphanKernels({ runtimeDir: join(options.runtimeDir, 'rt'), log });
    },
  };
}

async function waitUntilAnswering(fetch: typeof globalThis.fetch, url: string, token: string, timeoutMs: number, gaveUp: () => boolean) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gaveUp()) throw new Error('the process exited before answering');
    try {
      const response = await fetch(`${url}/api/status`, {
        headers: { Authorization: `token ${token}` },
        signal: AbortSignal.timeout(1000),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`no answer within ${timeoutMs} ms`);
}
