import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { freePort } from '../../helpers/free-port.ts';
import { repoPath, yamlDocuments } from '../../helpers/k8s-manifests.ts';

/**
 * deploy/haproxy/talkbook.cfg, checked by Debian's haproxy and then run for real in front of
 * three stand-in servers (each answers with its name): one conversation's requests reach one
 * server, a server whose readiness fails (draining) is left, and it names the routes the
 * Kubernetes Ingress and probes do.
 */
const run = promisify(execFile);
const shipped = repoPath('deploy', 'haproxy', 'talkbook.cfg');
const config = readFileSync(shipped, 'utf8');

interface StandIn {
  name: string;
  server: Server;
  ready: boolean;
}
const standIns: StandIn[] = [];
let haproxy: ChildProcess | undefined;
let dir: string;
let base: string;
const held: Array<() => void> = [];

beforeAll(async () => {
  for (const name of ['talkbook1', 'talkbook2', 'talkbook3']) {
    const standIn: StandIn = { name, server: createServer(), ready: true };
    standIn.server.on('request', (request, response) => {
      if (request.url === '/api/ready') {
        response.writeHead(standIn.ready ? 200 : 503).end();
        return;
      }
      // The list's event stream stays open, as the real one does.
      if (request.url === '/api/conversations/events') {
        response.writeHead(200, { 'Content-Type': 'text/event-stream', 'X-Server': name });
        response.write(': hello\n\n');
        held.push(() => response.end());
        return;
      }
      response.writeHead(200, { 'X-Server': name }).end(name);
    });
    const sockets = new WebSocketServer({ server: standIn.server });
    sockets.on('connection', (socket) => socket.send(name));
    standIn.server.listen(0, '127.0.0.1');
    await once(standIn.server, 'listening');
    standIns.push(standIn);
  }
  dir = await mkdtemp(join(tmpdir(), 'talkbook-haproxy-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  // The shipped file, pointed at the stand-ins and a free port, and checked more often.
  let local = config.replace(/bind :8080/, `bind 127.0.0.1:${port}`).replace(/inter 2s/, 'inter 200ms');
  for (const [index, standIn] of standIns.entries()) {
    local = local.replaceAll(`10.0.0.1${index + 1}:8080`, `127.0.0.1:${(standIn.server.address() as AddressInfo).port}`);
  }
  await writeFile(join(dir, 'talkbook.cfg'), local);
  haproxy = spawn('/usr/sbin/haproxy', ['-db', '-f', join(dir, 'talkbook.cfg')], { stdio: 'ignore' });
  // Up once it answers through a healthy backend.
  const deadline = Date.now() + 10_000;
  while ((await fetch(`${base}/`).then((response) => response.status, () => 0)) !== 200) {
    if (Date.now() > deadline || haproxy.exitCode !== null) throw new Error('haproxy did not answer within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 30_000);

afterAll(async () => {
  for (const end of held) end();
  haproxy?.kill('SIGKILL');
  for (const standIn of standIns) standIn.server.closeAllConnections();
  await Promise.all(standIns.map((standIn) => new Promise((done) => standIn.server.close(done))));
  if (dir) await rm(dir, { recursive: true, force: true });
});

const serverOf = async (path: string) => (await fetch(`${base}${path}`)).headers.get('x-server');

describe('the HAProxy configuration (deploy/haproxy/talkbook.cfg)', () => {
  it('is valid for haproxy -c', async () => {
    const { stdout } = await run('/usr/sbin/haproxy', ['-c', '-f', shipped]);
    expect(stdout).toContain('Configuration file is valid');
  });

  it("sends a conversation's requests and its WebSocket to one server, and different conversations to different ones", async () => {
    const servers = new Set<string | null>();
    for (let n = 0; n < 12; n++) {
      const id = `conv${n}x${n * 7919}`;
      const paths = [`/api/conversations/${id}`, `/api/conversations/${id}/ws?after=${n}`, `/api/conversations/${id}/files/data.csv`, `/api/conversations/${id}/export?format=ipynb`];
      const answers = await Promise.all(paths.map(serverOf));
      expect(new Set(answers).size, id).toBe(1);
      const socket = new WebSocket(`${base.replace('http', 'ws')}/api/conversations/${id}/ws?after=0`);
      const [greeting] = (await once(socket, 'message')) as [Buffer];
      socket.close();
      expect(greeting.toString(), `${id}'s socket`).toBe(answers[0]);
      servers.add(answers[0]!);
    }
    expect(servers.size).toBeGreaterThan(1);
  });

  it('spreads the event streams, which belong to no conversation', async () => {
    const streams = await Promise.all([0, 1, 2].map(() => fetch(`${base}/api/conversations/events`)));
    expect(new Set(streams.map((response) => response.headers.get('x-server'))).size).toBe(3);
  });

  it('leaves a server whose readiness fails (a drain) and comes back to it once ready', async () => {
    const ids = Array.from({ length: 12 }, (_, n) => `drain${n}`);
    const before = await Promise.all(ids.map((id) => serverOf(`/api/conversations/${id}`)));
    const draining = standIns.find((standIn) => before.includes(standIn.name))!;
    draining.ready = false;
    await expect.poll(async () => (await Promise.all(ids.map((id) => serverOf(`/api/conversations/${id}`)))).includes(draining.name), { timeout: 10_000, interval: 100 }).toBe(false);
    // Only the drained server's conversations moved (consistent hashing).
    const during = await Promise.all(ids.map((id) => serverOf(`/api/conversations/${id}`)));
    ids.forEach((_, n) => {
      if (before[n] !== draining.name) expect(during[n]).toBe(before[n]);
    });
    draining.ready = true;
    await expect.poll(async () => (await Promise.all(ids.map((id) => serverOf(`/api/conversations/${id}`)))).join(), { timeout: 10_000, interval: 100 }).toBe(before.join());
  });

  it('names the routes the Kubernetes Ingress map and probes name', () => {
    const snippet = z.object({ controller: z.object({ config: z.object({ 'http-snippet': z.string() }) }) }).parse(yamlDocuments(repoPath('deploy', 'k8s', 'ingress-nginx', 'values.yaml'))[0]).controller.config['http-snippet'];
    const excepted = /\(\?!([^)]*)\)/.exec(snippet)![1]!.split('|').map((word) => word.replace(/\$$/, ''));
    const notConversation = /acl not_a_conversation path (.*)/.exec(config)![1]!.split(/\s+/);
    expect(notConversation).toEqual(excepted.map((word) => `/api/conversations/${word}`));
    expect(config).toMatch(/path_reg \^\/api\/conversations\//);
    expect(snippet).toContain('~^/api/conversations/');
    const deployment = yamlDocuments(repoPath('deploy', 'k8s', 'base', 'deployment.yaml'))[0] as { spec: { template: { spec: { containers: Array<{ readinessProbe: { httpGet: { path: string } } }> } } } };
    expect(config).toContain(`http-check send meth GET uri ${deployment.spec.template.spec.containers[0]!.readinessProbe.httpGet.path}`);
  });
});
