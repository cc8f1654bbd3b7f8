import { createServer, request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { startPlainJupyter, type PlainJupyter } from './plain-jupyter.ts';

export interface FakeGateway {
  /** For JUPYTER_URL. */
  readonly url: string;
  /** The jupyter-server behind it (its `rootDir` is the gateway's folder). */
  readonly jupyter: PlainJupyter;
  /** Method and path of every HTTP request that reached it. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * A Kernel Gateway / Enterprise Gateway look-alike: kernel specs, kernels and kernel websockets,
 * but no contents API (404; kept with `contentsApi`) and no listing of kernels (403). A proxy in
 * front of a plain jupyter-server whose folder Talkbook never touches.
 */
export async function startFakeGateway(options: { contentsApi?: boolean } = {}): Promise<FakeGateway> {
  const jupyter = await startPlainJupyter();
  const target = new URL(jupyter.url);
  const requests: string[] = [];
  const proxy = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    requests.push(`${req.method} ${path}`);
    if (path.startsWith('/api/contents') && !options.contentsApi) return void res.writeHead(404).end('{"message":"Not Found"}');
    if (req.method === 'GET' && path === '/api/kernels') return void res.writeHead(403).end('{"message":"Forbidden"}');
    const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode!, r.headers);
      r.pipe(res);
    });
    req.pipe(upstream);
  });
  proxy.on('upgrade', (req, socket, head) => {
    const up = connect(Number(target.port), target.hostname, () => {
      up.write(`${req.method} ${req.url} HTTP/1.1\r\n${Object.entries(req.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    jupyter,
    requests,
    async close() {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      await jupyter.close();
    },
  };
}
