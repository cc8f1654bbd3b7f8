import WebSocket from 'ws';

/**
 * The largest kernel message Talkbook receives (64 MiB, or twice the per-cell output cap when
 * that is larger): anything bigger could not be kept anyway. A bigger message closes the
 * kernel's socket (1009); `onMessageTooBig` hears of it, so the running cell fails at once
 * instead of waiting for a reply that was lost with the socket.
 */
export function kernelMessageLimit(maxCellOutputBytes: number): number {
  return Math.max(64 * 1024 * 1024, 2 * maxCellOutputBytes);
}

type TooBigListener = (kernelId: string) => void;
const listeners = new Set<TooBigListener>();

/** Called with the kernel's id when its socket closed because a message was over the limit. */
export function onMessageTooBig(listener: TooBigListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The `ws` class @jupyterlab/services opens kernel sockets with: the limit set, 1009 reported. */
export function kernelWebSocket(maxPayload: number, rewrite: (address: string) => string = (address) => address): typeof globalThis.WebSocket {
  class KernelWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(rewrite(String(address)), protocols, { maxPayload });
      const kernelId = /\/api\/kernels\/([^/?]+)\/channels/.exec(String(address))?.[1];
      // `ws` refuses the message (WS_ERR_UNSUPPORTED_MESSAGE_LENGTH, close code 1009 sent) and the
      // socket closes as 1006 on this side: the error is what tells.
      this.on('error', (error: Error & { code?: string }) => {
        if (error.code !== 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' || !kernelId) return;
        for (const listener of listeners) listener(decodeURIComponent(kernelId));
      });
    }
  }
  return KernelWebSocket as unknown as typeof globalThis.WebSocket;
}
