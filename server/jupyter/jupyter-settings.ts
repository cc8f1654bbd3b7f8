import { ServerConnection } from '@jupyterlab/services';
import { Agent, fetch as undiciFetch, Headers as UndiciHeaders, Request as UndiciRequest } from 'undici';
import { kernelWebSocket } from './kernel-socket.ts';

/**
 * Connection settings for `@jupyterlab/services` on Node: `ws` for sockets (messages up to
 * `maxMessageBytes`, see kernel-socket.ts), token auth. With `socketPath` every request and kernel
 * WebSocket goes over that unix socket (the embedded Jupyter listens on one, mode 0600, instead of
 * a TCP port); `baseUrl` then only names the host.
 */
export function jupyterSettings(baseUrl: string, token: string, socketPath?: string, maxMessageBytes = 64 * 1024 * 1024): ServerConnection.ISettings {
  const url = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return ServerConnection.makeSettings({
    baseUrl: url,
    wsUrl: url.replace(/^http/, 'ws'),
    token,
    appendToken: true,
    init: {},
    ...(socketPath
      ? {
          WebSocket: kernelWebSocket(maxMessageBytes, (address) => {
            const parsed = new URL(address);
            return `ws+unix://${socketPath}:${parsed.pathname}${parsed.search}`;
          }),
          fetch: unixFetch(socketPath),
          Request: UndiciRequest as unknown as typeof globalThis.Request,
          Headers: UndiciHeaders as unknown as typeof globalThis.Headers,
        }
      : {
          WebSocket: kernelWebSocket(maxMessageBytes),
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
