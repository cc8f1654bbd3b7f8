import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

const shipped = join(import.meta.dirname, '..', '..', 'deploy', 'nginx', 'talkbook.conf');

export interface TestNginx {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Debian's nginx, unprivileged, with the shipped deploy/nginx/talkbook.conf in a folder of its
 * own: only its `listen` port is changed, and the upstream list (`talkbook-upstreams.conf`) is
 * generated from `servers` (`127.0.0.1:<port>`).
 */
export async function startTestNginx(servers: string[], options: { maxFails?: number; failTimeoutS?: number } = {}): Promise<TestNginx> {
  const dir = await mkdtemp(join(tmpdir(), 'talkbook-nginx-'));
  await mkdir(join(dir, 'logs'));
  await mkdir(join(dir, 'temp'));
  const port = await freePort();
  const conf = (await readFile(shipped, 'utf8')).replace(/^(\s*)listen 8080;$/m, `$1listen 127.0.0.1:${port};`);
  if (!conf.includes(`listen 127.0.0.1:${port};`)) throw new Error('deploy/nginx/talkbook.conf has no "listen 8080;" line to replace');
  await writeFile(join(dir, 'talkbook.conf'), conf);
  const upstreams = servers.map((server) => `server ${server} max_fails=${options.maxFails ?? 3} fail_timeout=${options.failTimeoutS ?? 10}s;`).join('\n');
  await writeFile(join(dir, 'talkbook-upstreams.conf'), `${upstreams}\n`);
  const child: ChildProcess = spawn('/usr/sbin/nginx', ['-p', dir, '-c', join(dir, 'talkbook.conf'), '-g', 'daemon off; master_process off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    // Any answer at all (even a 502 while no server is up) means nginx listens.
    const up = await fetch(`${url}/nginx-probe`).then(() => true, () => false);
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      const log = await readFile(join(dir, 'logs', 'error.log'), 'utf8').catch(() => '');
      await close();
      throw new Error(`nginx did not start: ${err}${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, close };
}
