import { randomUUID } from 'node:crypto';
import { KernelMessage, type Kernel } from '@jupyterlab/services';

/** What the kernel sent back on a comm opened by `KernelSession.request`. */
export interface CommReply {
  data: unknown;
  buffers: Uint8Array[];
}

/** A comm request that failed: the kernel died, could not be reached, or did not answer in time. */
export class KernelRequestError extends Error {
  override name = 'KernelRequestError';
  /** The kernel is alive but did not answer in time (probably busy running a cell). */
  readonly timedOut: boolean;
  constructor(message: string, timedOut = false) {
    super(message);
    this.timedOut = timedOut;
  }
}

/** What a comm request shares with its kernel session. */
export interface CommSession {
  /** Message ids whose busy/idle the page is not told (silent work). */
  quiet: Set<string>;
  /** The session's in-flight requests, failed (with a reason) when the kernel goes. */
  inflight: Set<(reason: string) => void>;
  /** A death is being explained: the session fails the request with that explanation itself. */
  dying(): boolean;
}

/** `KernelSession.request`: open a comm on `target` and resolve with the kernel's first message on it (see there). */
export function commRequest(
  kernel: Kernel.IKernelConnection,
  session: CommSession,
  { target, data, buffers, timeoutMs }: { target: string; data: Record<string, unknown>; buffers: Uint8Array[]; timeoutMs: number },
): Promise<CommReply | undefined> {
  const commId = randomUUID();
  const message = KernelMessage.createMessage({
    msgType: 'comm_open',
    channel: 'shell',
    session: kernel.clientId,
    username: kernel.username,
    content: { comm_id: commId, target_name: target, data: data as never },
    // Whole ArrayBuffers: @jupyterlab/services serializes a view's entire underlying buffer.
    buffers: buffers.map((view) => view.buffer.slice(view.byteOffset, view.byteOffset + view.byteLength) as ArrayBuffer),
  });
  return new Promise<CommReply | undefined>((resolve, reject) => {
    let reply: CommReply | undefined;
    let future: Kernel.IShellFuture | undefined;
    const end = (error?: Error) => {
      clearTimeout(timer);
      session.quiet.delete(message.header.msg_id);
      session.inflight.delete(onDeath);
      future?.dispose();
      if (error) reject(error);
      else resolve(reply);
    };
    const onDeath = (reason: string) => end(new KernelRequestError(reason));
    const timer = setTimeout(() => end(new KernelRequestError(`The kernel did not answer within ${Math.round(timeoutMs / 1000)} s.`, true)), timeoutMs);
    session.inflight.add(onDeath);
    session.quiet.add(message.header.msg_id);
    try {
      future = kernel.sendShellMessage(message, false, false);
    } catch (error) {
      end(new KernelRequestError(`Could not reach the kernel: ${String(error)}`));
      return;
    }
    future.onIOPub = (msg: KernelMessage.IIOPubMessage) => {
      if (reply || msg.header.msg_type !== 'comm_msg') return;
      const content = msg.content as { comm_id?: string; data?: unknown };
      if (content.comm_id !== commId) return;
      reply = { data: content.data, buffers: (msg.buffers ?? []).map(toBytes) };
    };
    future.done.then(
      () => end(),
      (error: unknown) => {
        if (!session.dying()) end(new KernelRequestError(`The kernel stopped answering: ${String(error)}`));
      },
    );
  });
}

function toBytes(buffer: ArrayBuffer | ArrayBufferView): Uint8Array {
  return ArrayBuffer.isView(buffer) ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(buffer);
}
