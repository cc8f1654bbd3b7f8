import { KernelManager, KernelSpecAPI, type ServerConnection } from '@jupyterlab/services';
import { KernelStartError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { KernelSpecList } from '../protocol/index.ts';
import { KernelSession } from './kernel-session.ts';
import { ensureWorkspace } from './workspace.ts';

export interface KernelsOptions {
  settings: ServerConnection.ISettings;
  log: Logger;
  defaultKernel: string;
  /** Milliseconds to wait for a new kernel to answer `kernel_info` (default 60 000). */
  startTimeoutMs?: number;
}

/** Conversation → its kernel. Starts kernels on first use, one per conversation, never shared. */
export class Kernels {
  private readonly manager: KernelManager;
  private readonly sessions = new Map<string, KernelSession>();
  private readonly starting = new Map<string, Promise<KernelSession>>();
  private readonly options: KernelsOptions;
  private specCache: { at: number; value: KernelSpecList & { displayNames: Map<string, string> } } | undefined;

  constructor(options: KernelsOptions) {
    this.options = options;
    this.manager = new KernelManager({ serverSettings: options.settings, standby: 'never' });
  }

  /** The kernel specs the Jupyter server offers (cached for a few seconds). */
  async specs(): Promise<KernelSpecList & { displayNames: Map<string, string> }> {
    if (this.specCache && Date.now() - this.specCache.at < 5000) return this.specCache.value;
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
    await ensureWorkspace(settings, conversationId);
    let connection;
    try {
      // `path` makes Jupyter start the kernel in the conversation's workspace folder.
      const body = { name: kernelName, path: conversationId } as { name: string };
      connection = await this.manager.startNew(body, { handleComms: false });
    } catch (error) {
      throw new KernelStartError(`Could not start a "${kernelName}" kernel: ${String(error)}`, { cause: error });
    }
    const session = new KernelSession(connection);
    const timeoutMs = this.options.startTimeoutMs ?? 60_000;
    try {
      await withTimeout(connection.info, timeoutMs, `The "${kernelName}" kernel did not answer within ${timeoutMs / 1000} s`);
    } catch (error) {
      await session.shutdown();
      throw new KernelStartError(String(error instanceof Error ? error.message : error), { cause: error });
    }
    log.debug(`kernel ${connection.id} (${kernelName}) started for ${conversationId}`);
    this.sessions.set(conversationId, session);
    return session;
  }

  async shutdown(conversationId: string): Promise<void> {
    const pending = this.starting.get(conversationId);
    if (pending) await pending.catch(() => undefined);
    const session = this.sessions.get(conversationId);
    this.sessions.delete(conversationId);
    await session?.shutdown();
  }

  async shutdownAll(): Promise<void> {
    await Promise.allSettled([...this.starting.values()]);
    const all = [...this.sessions.keys()];
    await Promise.allSettled(all.map((id) => this.shutdown(id)));
    this.manager.dispose();
  }

  /** The Jupyter server restarted: every kernel it held is gone. */
  abandonAll(reason: string): string[] {
    const ids = [...this.sessions.keys()];
    for (const session of this.sessions.values()) session.abandon(reason);
    this.sessions.clear();
    return ids;
  }
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
