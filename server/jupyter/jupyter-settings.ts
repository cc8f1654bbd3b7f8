import { ServerConnection } from '@jupyterlab/services';
import WebSocket from 'ws';

/** Connection settings for `@jupyterlab/services` on Node: `ws` for sockets, token auth. */
export function jupyterSettings(baseUrl: string, token: string): ServerConnection.ISettings {
  const url = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return ServerConnection.makeSettings({
    baseUrl: url,
    wsUrl: url.replace(/^http/, 'ws'),
    token,
    appendToken: true,
    init: {},
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    fetch: globalThis.fetch,
    Request: globalThis.Request,
    Headers: globalThis.Headers,
  });
}
