/** A kernel on a shared Jupyter server, as recorded for the conversation's next holder. */
export interface KernelRecord {
  kernelId: string;
  kernelName: string;
  /** The connection's session id (`clientId`): reconnecting with it makes Jupyter Server replay what it buffered. */
  clientId: string;
  /** The `msg_id` of the shown execution running now, if one is. */
  runningMsgId: string | null;
}

/**
 * Where each conversation's kernel is recorded when kernels outlive this server (a shared
 * `JUPYTER_URL` with many servers): a server that takes a conversation over reattaches to its
 * kernel instead of starting one. Recording is best effort; a refused one is logged.
 */
export interface KernelRegistry {
  find(conversationId: string): Promise<KernelRecord | undefined>;
  record(conversationId: string, kernel: KernelRecord | undefined): Promise<void>;
}
