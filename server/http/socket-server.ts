import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Conversations } from '../conversation/conversations.ts';
import { NotFoundError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { MAX_CLIENT_FRAME_BYTES } from '../protocol/index.ts';
import { NotHolderError } from '../store/leases.ts';
import { authorizeUpgrade, type EdgeAuth } from './auth.ts';
import { accessWithLink } from './conversation-access.ts';
import { readShareLinkCookie } from './share-link-cookie.ts';
import { attachConversationSocket } from './conversation-socket.ts';
import type { OpenSocket, SocketRegistry } from './socket-registry.ts';
import type { StorageQuota } from './storage-quota.ts';

const SOCKET_PATH = /^\/api\/conversations\/([A-Za-z0-9_-]{1,100})\/ws$/;

/** Accept WebSocket upgrades on `/api/conversations/:id/ws` after checking the token or session. */
export function attachSocketServer(server: Server, deps: EdgeAuth & { conversations: Conversations; log: Logger; sockets: SocketRegistry; quota?: StorageQuota }): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES, perMessageDeflate: false });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => void upgrade(request, socket, head));

  async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const match = url.pathname.match(SOCKET_PATH);
      if (!match) return refuse(socket, 404, 'Not Found');
      const caller = await authorizeUpgrade(deps, {
        url: request.url ?? '/',
        host: request.headers.host,
        origin: request.headers.origin,
        secFetchSite: header(request.headers['sec-fetch-site']),
        cookie: request.headers.cookie,
      });
      if (socket.destroyed) return;
      if (!caller) return refuse(socket, 401, 'Unauthorized');
      const id = match[1]!;
      // Not allowed to see it: the same 404 as for a conversation that does not exist.
      const granted = await accessWithLink(deps.accounts, caller.user.id, id, readShareLinkCookie(request.headers.cookie, id));
      if (socket.destroyed) return;
      if (!granted) return refuse(socket, 404, 'Not Found');
      const { access, viaLink } = granted;
      const afterParam = url.searchParams.get('after');
      const after = afterParam !== null && /^-?\d+$/.test(afterParam) ? Number(afterParam) : undefined;
      // The conversation is loaded (if it is not) and kept loaded while the socket is open.
      deps.conversations.use(id).then(
        (use) =>
          wss.handleUpgrade(request, socket, head, (ws) => {
            const entry: OpenSocket = { ws, userId: caller.user.id, conversationId: id, access, viaLink };
            const forget = deps.sockets.add(entry);
            ws.once('close', () => {
              forget();
              use.release();
            });
            attachConversationSocket(ws, use.runtime, deps.log, after, {
              access: () => entry.access,
              by: { userId: caller.user.id, name: caller.user.displayName },
              ...(deps.quota ? { checkQuota: () => deps.quota!.check(use.runtime.conversation.ownerId, caller.user.id) } : {}),
            });
          }),
        (error: unknown) => {
          if (error instanceof NotFoundError) return refuse(socket, 404, 'Not Found');
          // Another server holds it: a 503 the load balancer retries on the next server (the client reconnects too).
          if (error instanceof NotHolderError) return refuse(socket, 503, 'Service Unavailable', error.headers);
          deps.log.error('upgrade failed', error);
          return refuse(socket, 503, 'Service Unavailable');
        },
      );
    } catch (error) {
      deps.log.error('upgrade failed', error);
      refuse(socket, 500, 'Internal Server Error');
    }
  }
  return wss;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function refuse(socket: Duplex, status: number, text: string, headers: Readonly<Record<string, string>> = {}): void {
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n${extra}Content-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
}
