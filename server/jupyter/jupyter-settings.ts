import { ServerConnection } from '@jupyterlab/services';
import { Agent, fetch as undiciFetch, Headers as UndiciHeaders, Request as UndiciRequest } from 'undici';
import WebSocket from 'ws';

/**
 * Connection settings for `@jupyterlab/services` on Node: `ws` for sockets, token auth. With
 * `socketPath` every request and kernel WebSocket goes over that unix socket (the embedded
 * Jupyter listens on one, mode 0600, instead of a TCP port); `baseUrl` then only names the host.
 */
export function jupyterSettings(baseUrl: string, token: string, socketPath?: string): ServerConnection.ISettings {
  const url = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return ServerConnection.makeSettings({
    baseUrl: url,
    wsUrl: url.replace(/^http/, 'ws'),
    token,
    appendToken: true,
    init: {},
    ...(socketPath
      ? {
          WebSocket: unixWebSocket(socketPath),
          fetch: unixFetch(socketPath),
          Request: UndiciRequest as unknown as typeof globalThis.Request,
          Headers: UndiciHeaders as unknown as typeof globalThis.Headers,
        }
      : {
          WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
          fetch: globalThis.fetch,
          Request: globalThis.Request,
          Headers: globalThis.Headers,
        }),
  });
}

/** `fetch` whose every request goes over the unix socket at `socketPath`. */
export function unixFetch(socketPath: string): typeof globalThis.fetch {
  const dispatcher = new Agent({ connect: { socketPath } });
  const viaSocket = (input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(input, { ...init, dispatcher });
  return viaSocket as unknown as typeof globalThis.fetch;
}

/** `ws` over the unix socket: `ws://localhost/api/…` becomes `ws+unix://<socketPath>:/api/…`. */
function unixWebSocket(socketPath: string): typeof globalThis.WebSocket {
  class UnixWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      const url = new URL(address);
      super(`ws+unix://${socketPath}:${url.pathname}${url.search}`, protocols);
    }
  }
  return UnixWebSocket as unknown as typeof globalThis.WebSocket;
}
