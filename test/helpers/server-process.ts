import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { descendants } from './process-tree.ts';

const root = join(import.meta.dirname, '..', '..');

export interface ServerProcess {
  readonly url: string;
  readonly token: string;
  readonly pid: number;
  readonly dataDir: string;
  /** fetch an API path with the bearer token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** `kill -9` the server process (only it: what it started must die with it). */
  kill(): Promise<void>;
  /** The Node process's resident set, in bytes (from /proc). */
  rssBytes(): Promise<number>;
  /** Send `signal` (SIGTERM to drain, SIGSTOP/SIGCONT to pause and resume it). */
  signal(signal: NodeJS.Signals): void;
  /** Resolves when the process has exited, with its exit code (null when a signal ended it). */
  exited(): Promise<number | null>;
  close(): Promise<void>;
}

export interface ServerProcessOptions {
  env?: Record<string, string>;
  /** Write a V8 CPU profile of the server into this folder (node --cpu-prof). */
  cpuProfileDir?: string;
  /** More arguments for node (e.g. `--import` of a tracing module). */
  nodeArgs?: string[];
  /** Use this data folder (and leave it on close) instead of a fresh one. */
  dataDir?: string;
  /** The access token (default: a random one). */
  token?: string;
}

/**
 * Talkbook as `npm start` runs it, in its own process (so its memory and CPU are its own), on a
 * free port with a fresh data folder. Resolves once it printed its login link.
 */
export async function startServerProcess(options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const ownData = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'talkbook-bench-')));
  const token = options.token ?? randomBytes(24).toString('hex');
  const nodeArgs = ['--import', 'tsx'];
  if (options.cpuProfileDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
  nodeArgs.push(...(options.nodeArgs ?? []));
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, 'server/index.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      HOST: '127.0.0.1',
      TALKBOOK_TOKEN: token,
      TALKBOOK_DATA_DIR: dataDir,
      TALKBOOK_LOG: 'warn',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out = (out + chunk.toString()).slice(-20_000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 60 s:\n${out.slice(-2000)}`)), 60_000);
    const check = () => {
      const match = /(http:\/\/127\.0\.0\.1:\d+)\/(?:\?token=|\?signin=| )/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}):\n${out.slice(-2000)}`));
    });
  });

  const pid = child.pid!;
  // A bench that crashes still stops its server (which stops Jupyter and the kernels).
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  return {
    url,
    token,
    pid,
    dataDir,
    api: (path, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('Authorization', `Bearer ${token}`);
      if (typeof init.body === 'string') headers.set('Content-Type', 'application/json');
      return fetch(`${url}${path}`, { ...init, headers });
    },
    signal(signal) {
      child.kill(signal);
    },
    exited() {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
      return new Promise((done) => child.once('exit', (code) => done(code)));
    },
    async rssBytes() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
    },
    async kill() {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGKILL');
      await exited;
    },
    async close() {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const below = await descendants(pid);
        const exited = new Promise<void>((done) => child.once('exit', () => done()));
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
        // Whatever the server left behind (it should leave nothing) does not outlive the bench.
        for (const process_ of below) {
          try {
            process.kill(process_.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      if (ownData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
