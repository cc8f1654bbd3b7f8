import { Drive, KernelAPI, KernelManager, KernelSpecAPI, type Kernel, type ServerConnection } from '@jupyterlab/services';
import { KernelStartError } from '../errors.ts';
import { onMessageTooBig } from '../jupyter/kernel-socket.ts';
import type { Logger } from '../log.ts';
import type { KernelSpecList } from '../protocol/index.ts';
import { startCheckpoints, type CheckpointSettings } from './checkpoint-engines.ts';
import { KernelSession } from './kernel-session.ts';
import type { KernelRegistry } from './kernel-registry.ts';
import { enterWorkspaceCode, kernelFileRequest } from './kernel-files.ts';
import { ensureWorkspace, enterFolderCode, type FilesSetting } from './workspace.ts';

export interface KernelsOptions {
  settings: ServerConnection.ISettings;
  log: Logger;
  defaultKernel: string;
  /** TALKBOOK_FILES: where workspaces are made and files moved (default `auto`). */
  files?: FilesSetting;
  /** The largest kernel message received (see `kernelMessageLimit`; default 64 MiB), for the message when one is bigger. */
  maxMessageBytes?: number;
  /** Milliseconds to wait for a new kernel to answer `kernel_info` (default 60 000). */
  startTimeoutMs?: number;
  /** Why a kernel died, when the Jupyter side can tell (the embedded one: an OOM kill); see `KernelSessionOptions`. */
  deathReason?: (kernelId: string) => Promise<string | undefined>;
  /** Kernel checkpoints (issue 19): the engine is installed in every Python kernel at start. */
  checkpoints?: CheckpointSettings;
  /** Kernels outlive this server (many servers on one Jupyter): recorded here, and reattached to on takeover. */
  registry?: KernelRegistry;
}

/** Conversation → its kernel. Starts kernels on first use, one per conversation, never shared. */
export class Kernels {
  private readonly manager: KernelManager;
  private readonly sessions = new Map<string, KernelSession>();
  private readonly starting = new Map<string, Promise<KernelSession>>();
  /** Kernels that entered their workspace themselves (no contents API). */
  private readonly movesFiles = new WeakSet<KernelSession>();
  private readonly options: KernelsOptions;
  private specCache: { at: number; value: KernelSpecList & { displayNames: Map<string, string> } } | undefined;
  private specFetch: Promise<KernelSpecList & { displayNames: Map<string, string> }> | undefined;
  private readonly stopListening: () => void;
  /** Aborted by `abandonAll`: a start waiting on a server that is gone fails now, not at its timeout. */
  private abandonStarts = new AbortController();

  constructor(options: KernelsOptions) {
    this.options = options;
    this.manager = new KernelManager({ serverSettings: options.settings, standby: 'never' });
    // Disposing the manager before its first poll answers rejects `ready`; nothing waits on it.
    this.manager.ready.catch(() => undefined);
    // A message over the limit closed a kernel's socket: the reply of its running cell went with it.
    this.stopListening = onMessageTooBig((kernelId) => {
      for (const session of this.sessions.values()) {
        if (session.id === kernelId) session.messageLost(`The kernel sent a message larger than ${Math.round((options.maxMessageBytes ?? 64 * 1024 * 1024) / 1024 / 1024)} MB, which Talkbook does not take, so this cell was stopped. The kernel keeps its variables; print less at once (or write large results to a file).`);
      }
    });
  }

  /**
   * The kernel specs the Jupyter server offers. Cached: after a few seconds the cached list is
   * still answered at once while a fresh one is fetched behind it (creating a conversation never
   * waits on Jupyter once the list was fetched).
   */
  async specs(): Promise<KernelSpecList & { displayNames: Map<string, string> }> {
    const cached = this.specCache;
    if (cached && Date.now() - cached.at < 5000) return cached.value;
    this.specFetch ??= this.fetchSpecs().finally(() => {
      this.specFetch = undefined;
    });
    if (cached) {
      this.specFetch.catch(() => undefined);
      return cached.value;
    }
    return this.specFetch;
  }

  private async fetchSpecs(): Promise<KernelSpecList & { displayNames: Map<string, string> }> {
    const models = await KernelSpecAPI.getSpecs(this.options.settings);
    const kernelspecs = Object.values(models.kernelspecs)
      .filter((spec): spec is NonNullable<typeof spec> => Boolean(spec))
      .map((spec) => ({ name: spec.name, displayName: spec.display_name, language: spec.language }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const names = new Set(kernelspecs.map((spec) => spec.name));
    const fallback = names.has(this.options.defaultKernel) ? this.options.defaultKernel : models.default;
    const value = {
      default: fallback,
      kernelspecs,
      displayNames: new Map(kernelspecs.map((spec) => [spec.name, spec.displayName])),
    };
    this.specCache = { at: Date.now(), value };
    return value;
  }

  get(conversationId: string): KernelSession | undefined {
    const session = this.sessions.get(conversationId);
    return session && !session.isDead ? session : undefined;
  }

  /** The conversation's live kernel, starting one (in its workspace) if it has none. */
  session(conversationId: string, kernelName: string): Promise<KernelSession> {
    const live = this.get(conversationId);
    if (live) return Promise.resolve(live);
    const pending = this.starting.get(conversationId);
    if (pending) return pending;
    const start = this.start(conversationId, kernelName).finally(() => this.starting.delete(conversationId));
    this.starting.set(conversationId, start);
    return start;
  }

  private async start(conversationId: string, kernelName: string): Promise<KernelSession> {
    const { log, settings } = this.options;
    const workspace = await ensureWorkspace(settings, conversationId, this.options.files);
    const reattached = await this.reattach(conversationId, kernelName);
    if (reattached) {
      if (workspace === 'kernel') this.movesFiles.add(reattached);
      return this.adopt(conversationId, reattached);
    }
    let connection;
    try {
      // `path` makes Jupyter start the kernel in the conversation's workspace folder. Gateways
      // have no contents API and ignore it: there the kernel enters its folder itself (below).
      const body = (workspace === 'contents' ? { name: kernelName, path: conversationId } : { name: kernelName }) as { name: string };
      connection = await this.manager.startNew(body, { handleComms: false });
    } catch (error) {
      throw new KernelStartError(`Could not start a "${kernelName}" kernel: ${String(error)}`, { cause: error });
    }
    const session = new KernelSession(connection, { deathReason: this.options.deathReason });
    const timeoutMs = this.options.startTimeoutMs ?? 60_000;
    const abandoned = this.abandonStarts.signal;
    try {
      const answered = unlessAborted(connection.info, abandoned);
      await withTimeout(answered, timeoutMs, `The "${kernelName}" kernel did not answer within ${timeoutMs / 1000} s`);
    } catch (error) {
      if (abandoned.aborted) session.abandon(String(abandoned.reason));
      else await session.shutdown();
      throw new KernelStartError(String(error instanceof Error ? error.message : error), { cause: error });
    }
    if (workspace === 'kernel') await this.enterWorkspace(session, conversationId);
    else await this.answerFileRequests(session);
    // In its workspace now: the engine's relative folder (remote kernels) is beside it.
    if (this.options.checkpoints) await startCheckpoints(session, conversationId, this.options.checkpoints);
    log.debug(`kernel ${connection.id} (${kernelName}) started for ${conversationId}`);
    return this.adopt(conversationId, session);
  }

  /** Whether the next `session` would reattach to a kernel the server before this one left running. */
  async canReattach(conversationId: string, kernelName: string): Promise<boolean> {
    const { registry, settings } = this.options;
    if (!registry || this.get(conversationId)) return false;
    const record = await registry.find(conversationId).catch(() => undefined);
    if (!record || record.kernelName !== kernelName) return false;
    const model = await KernelAPI.getKernelModel(record.kernelId, settings).catch(() => undefined);
    return model !== undefined && model.execution_state !== 'dead';
  }

  /**
   * The conversation's kernel left by the server that held it before, if it still runs:
   * connected with that server's session id, so Jupyter replays what it buffered meanwhile.
   */
  private async reattach(conversationId: string, kernelName: string): Promise<KernelSession | undefined> {
    const { registry, settings, log } = this.options;
    const record = await registry?.find(conversationId).catch((error: unknown) => log.warn(`could not read the kernel of ${conversationId}`, error));
    if (!record || record.kernelName !== kernelName) return undefined;
    let model: Kernel.IModel | undefined;
    try {
      model = await KernelAPI.getKernelModel(record.kernelId, settings);
    } catch (error) {
      log.warn(`could not look up the kernel ${record.kernelId} of ${conversationId}`, error);
    }
    if (!model || model.execution_state === 'dead') return undefined;
    const connection = this.manager.connectTo({ model, clientId: record.clientId, handleComms: false });
    const session = new KernelSession(connection, { deathReason: this.options.deathReason });
    // A running cell may be replayed to `follow` before the kernel answers kernel_info.
    session.followable = record.runningMsgId ?? undefined;
    session.reattached = true;
    log.info(`reattached to kernel ${record.kernelId} of ${conversationId}`);
    return session;
  }

  /** `session` now serves the conversation: recorded (shared Jupyter), forgotten when it dies. */
  private adopt(conversationId: string, session: KernelSession): KernelSession {
    const { registry, log } = this.options;
    if (registry) {
      // In order: the last write says what runs now.
      let recorded = Promise.resolve();
      const record = (runningMsgId: string | null) => {
        recorded = recorded
          .then(() => registry.record(conversationId, { kernelId: session.id, kernelName: session.kernelName, clientId: session.clientId, runningMsgId }))
          .catch((error: unknown) => log.debug(`could not record the kernel of ${conversationId}: ${String(error)}`));
      };
      record(session.followable ?? null);
      session.onExecution((msgId) => record(msgId ?? null));
    }
    // A kernel that died is never used again, though Jupyter may restart it in place: messages
    // sent while it restarts can be lost (a cell then waits forever), and on a gateway it comes
    // back outside its workspace. The next cell starts a fresh kernel, as the notice says.
    session.onLost(() => {
      if (this.sessions.get(conversationId) === session) this.sessions.delete(conversationId);
      void session.shutdown().catch(() => undefined);
    });
    this.sessions.set(conversationId, session);
    return session;
  }

  /**
   * No contents API (a gateway): the kernel makes and enters its folder itself and from then on
   * moves the conversation's files (`kernel-files.ts`). Like any kernel that died, one that
   * restarts on its own (back in the gateway's folder, not its workspace) is never used again.
   */
  private async enterWorkspace(session: KernelSession, conversationId: string): Promise<void> {
    const info = await session.info();
    const code = info.language === 'python' ? enterWorkspaceCode(conversationId) : enterFolderCode(info.language, conversationId);
    if (code) {
      const entered = await session.execute(code, { silent: true });
      if (entered.status !== 'ok') {
        await session.shutdown();
        throw new KernelStartError(`The kernel could not enter its workspace folder "${conversationId}" on the kernel gateway.`);
      }
    } else {
      this.options.log.warn(`the Jupyter server has no contents API; the ${session.kernelName} kernel of ${conversationId} runs in the gateway's folder`);
    }
    this.movesFiles.add(session);
  }

  /**
   * With a contents API the kernel starts in its folder; a Python one still answers file requests
   * from there, for downloads too big for the contents API. Best effort.
   */
  private async answerFileRequests(session: KernelSession): Promise<void> {
    if ((await session.info()).language !== 'python') return;
    const outcome = await session.execute(enterWorkspaceCode(), { silent: true });
    if (outcome.status !== 'ok') this.options.log.debug(`the ${session.kernelName} kernel ${session.id} does not answer file requests`);
  }

  async shutdown(conversationId: string): Promise<void> {
    const pending = this.starting.get(conversationId);
    if (pending) await pending.catch(() => undefined);
    const session = this.sessions.get(conversationId);
    this.sessions.delete(conversationId);
    if (session && this.options.registry) await this.options.registry.record(conversationId, undefined).catch(() => undefined);
    await session?.shutdown();
  }

  /**
   * Let go of the conversation's kernel without shutting it down: another server takes the
   * conversation over and reattaches to it (lease lost, drain).
   */
  async detach(conversationId: string, reason: string): Promise<void> {
    const pending = this.starting.get(conversationId);
    if (pending) await pending.catch(() => undefined);
    const session = this.sessions.get(conversationId);
    this.sessions.delete(conversationId);
    session?.detach(reason);
  }

  /** Let go of every kernel without shutting any down (a drain: the next holders reattach). */
  async detachAll(reason: string): Promise<void> {
    await Promise.allSettled([...this.starting.values()]);
    for (const id of [...this.sessions.keys()]) await this.detach(id, reason);
    this.stopListening();
    this.manager.dispose();
  }

  /**
   * Shut down a kernel that never served a conversation (a pooled one: nothing ran in it) and
   * remove the workspace folder made for it.
   */
  async discard(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (session && this.movesFiles.has(session)) {
      await kernelFileRequest(session, 'remove_workspace').catch(() => undefined);
    }
    await this.shutdown(id);
    await new Drive({ serverSettings: this.options.settings }).delete(id).catch(() => undefined);
  }

  async shutdownAll(): Promise<void> {
    await Promise.allSettled([...this.starting.values()]);
    const all = [...this.sessions.keys()];
    await Promise.allSettled(all.map((id) => this.shutdown(id)));
    this.stopListening();
    this.manager.dispose();
  }

  /** The Jupyter server restarted: every kernel it held is gone. */
  abandonAll(reason: string): string[] {
    const ids = [...this.sessions.keys()];
    for (const session of this.sessions.values()) session.abandon(reason);
    this.sessions.clear();
    this.abandonStarts.abort(reason);
    this.abandonStarts = new AbortController();
    return ids;
  }
}

/** `promise`, or a rejection once `signal` aborts; the listener goes away when either settles. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error(String(signal.reason)));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error(String(signal.reason)));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
