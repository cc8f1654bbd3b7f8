import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { loadConfig, type Config, type Env } from './config.ts';
import { bootstrapAccounts, OidcSignIn, outageTolerantAccounts, Sessions } from './accounts/index.ts';
import { createAssistant } from './assistant/index.ts';
import { newId } from './ids.ts';
import { StoreCheckpointCopies } from './checkpoints/store-copies.ts';
import { Conversations } from './conversation/conversations.ts';
import { LeaseKeeper } from './conversation/conversation-lease.ts';
import { serverId } from './server-identity.ts';
import type { ConversationStore } from './store/store.ts';
import { ContentsWorkspaceFiles, GatewayAwareFiles, KernelWorkspaceFiles, listFilesOf } from './files/index.ts';
import { createApp } from './http/app.ts';
import { branchRoutes } from './http/branch-routes.ts';
import { filesRoutes, requestTimeoutMs } from './http/files-routes.ts';
import { notebookRoutes } from './http/notebook-routes.ts';
import { SocketRegistry } from './http/socket-registry.ts';
import { attachSocketServer } from './http/socket-server.ts';
import { StorageQuota } from './http/storage-quota.ts';
import { startEmbeddedJupyter, type EmbeddedJupyter } from './jupyter/embedded-jupyter.ts';
import { jupyterSettings } from './jupyter/jupyter-settings.ts';
import { kernelMessageLimit } from './jupyter/kernel-socket.ts';
import { resolveSandbox } from './jupyter/sandbox.ts';
import { KernelPool } from './kernel/kernel-pool.ts';
import { Kernels } from './kernel/kernels.ts';
import { workspaceMode } from './kernel/workspace.ts';
import { errorMessage, PublicError } from './errors.ts';
import { NOT_HOLDER_REASON, SOCKET_CLOSE } from './protocol/index.ts';
import { createLogger, type Logger } from './log.ts';
import { importJsonConversations, openStore, PostgresChannel } from './store/index.ts';
import { ListEvents } from './events/list-events.ts';

/** Where the embedded Jupyter's kernels keep their checkpoints: beside the workspaces, never inside. */
const checkpointRoot = (dataDir: string) => join(dataDir, 'checkpoints');

const defaultClientDir = resolve(fileURLToPath(new URL('../client/dist', import.meta.url)));

export interface Talkbook {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  /** `TALKBOOK_TOKEN`, when set: an admin API token. */
  readonly token: string | undefined;
  /**
   * The link that signs a browser in: `?token=` with TALKBOOK_TOKEN, otherwise a one-time
   * `?signin=` link for the first admin while it has no password (undefined once it has one).
   */
  readonly loginUrl: string | undefined;
  /** The one-time `?signin=` link made at start for the first admin, if one was (also when `loginUrl` is the token link). */
  readonly signInLink: string | undefined;
  /** The server's own address, or TALKBOOK_PUBLIC_URL's origin. */
  readonly publicOrigin: string;
  readonly config: Config;
  /** The embedded Jupyter server's process id (undefined with JUPYTER_URL). */
  readonly jupyterPid: number | undefined;
  /** Started kernels waiting for new conversations (TALKBOOK_KERNEL_POOL), per kernel spec. */
  readonly kernelPool: Pick<KernelPool, 'size'>;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Env;
  log?: Logger;
  clientDir?: string;
}

/**
 * Start everything: Jupyter (embedded or remote), the store, the HTTP and WebSocket server.
 * Each step that starts something registers how to undo it; when a later step fails, what was
 * started is stopped again (in reverse) before the error is thrown, so nothing is left running.
 */
export async function startTalkbook(options: StartOptions = {}): Promise<Talkbook> {
  const config = loadConfig(options.env ?? process.env);
  const log = options.log ?? createLogger(config.logLevel);
  const undo: Array<() => Promise<void> | void> = [];
  try {
    return await start(config, log, options, undo);
  } catch (error) {
    for (const step of undo.reverse()) {
      await Promise.resolve()
        .then(step)
        .catch((cleanupError: unknown) => log.warn('could not undo a start step', cleanupError));
    }
    throw error;
  }
}

async function start(config: Config, log: Logger, options: StartOptions, undo: Array<() => Promise<void> | void>): Promise<Talkbook> {
  const token = config.token;

  let embedded: EmbeddedJupyter | undefined;
  let conversations: Conversations | undefined;
  let kernels: Kernels | undefined;
  let pool: KernelPool | undefined;
  let runtimeDir: string | undefined;
  let sandboxed: boolean | undefined;
  let jupyterUrl: string;
  let jupyterToken: string;
  if ('embedded' in config.jupyter) {
    runtimeDir = await mkdtemp(join(tmpdir(), 'tb-'));
    const madeDir = runtimeDir;
    undo.push(() => rm(madeDir, { recursive: true, force: true }));
    const sandbox = resolveSandbox(config.sandbox, log);
    sandboxed = sandbox.enabled;
    embedded = await startEmbeddedJupyter({
      python: config.jupyter.python,
      rootDir: join(config.dataDir, 'workspaces'),
      checkpointRoot: checkpointRoot(config.dataDir),
      runtimeDir,
      sandbox,
      log,
      onRestart: () => {
        const reason = 'The Jupyter server restarted, so this conversation\'s kernel ended.';
        kernels?.abandonAll(reason);
        pool?.reset();
        conversations?.kernelsLost(reason);
      },
    });
    const started = embedded;
    undo.push(() => started.stop());
    jupyterUrl = embedded.url;
    jupyterToken = embedded.token;
  } else {
    jupyterUrl = config.jupyter.url;
    jupyterToken = config.jupyter.token;
  }

  const maxMessageBytes = kernelMessageLimit(config.maxCellOutputBytes);
  const settings = jupyterSettings(jupyterUrl, jupyterToken, embedded?.socketPath, maxMessageBytes);
  const checkpoints = {
    budgetMb: config.checkpointMb,
    // The embedded Jupyter's launcher gives each kernel its folder (KERNEL_CHECKPOINT_DIR); a remote
    // kernel keeps its checkpoints beside its workspace folder, in a hidden folder of its own.
    folderFor: (id: string) => (embedded ? join(checkpointRoot(config.dataDir), id) : `../.talkbook-checkpoints/${id}`),
    log,
  };
  // Many servers on one PostgreSQL and one Jupyter: kernels outlive a server, recorded for the next holder.
  let store: ConversationStore | undefined;
  let leases: LeaseKeeper | undefined;
  const registry = embedded || !config.databaseUrl
    ? undefined
    : {
        find: (id: string) => store!.leases.kernel(id),
        record: (id: string, kernel: Parameters<ConversationStore['leases']['recordKernel']>[2]) => {
          const fence = leases?.fence(id);
          return fence === undefined ? Promise.resolve() : store!.leases.recordKernel(id, fence, kernel);
        },
      };
  kernels = new Kernels({ settings, log, defaultKernel: config.defaultKernel, files: config.files, deathReason: embedded?.deathReason, maxMessageBytes, checkpoints, ...(registry ? { registry } : {}) });
  // Many servers: no pool (a new conversation is held by whichever server its requests reach, not its creator).
  const kernelPool = new KernelPool({ kernels, size: registry ? 0 : config.kernelPool, newId, log });
  pool = kernelPool;
  const startedKernels = kernels;
  undo.push(() => startedKernels.shutdownAll());
  undo.push(() => kernelPool.close());

  const assistant = createAssistant(config.assistant);
  const throughKernel = new KernelWorkspaceFiles({ log, kernelFor: async (id) => (await conversations!.get(id)).workspaceKernel() });
  const files = new GatewayAwareFiles(settings, new ContentsWorkspaceFiles({ settings, log, largeFiles: throughKernel }), throughKernel, config.files);

  const opened = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  store = opened;
  undo.push(() => opened.close());
  // Where the load balancer and the other servers reach this one; known once it listens.
  const holder = { id: await serverId(config.serverId, config.dataDir), url: config.internalUrl ?? '' };
  // Leases only where servers can share kernels (JUPYTER_URL): an embedded Jupyter is one
  // server's, so nothing could be taken over, and a database outage must not stop its turns.
  if (opened.leases.shared && !embedded) {
    const keeper = new LeaseKeeper({ leases: opened.leases, holder, ttlMs: config.leaseMs, log, onLost: (id) => conversations?.leaseLost(id) });
    leases = keeper;
    undo.push(() => keeper.close());
  }
  // Conversations from before the database: imported once, the files moved aside.
  await importJsonConversations(config.dataDir, store, log);
  // Checkpoints copied into the store where the kernel's disk may not last (issue 19).
  const storeCopies = new StoreCheckpointCopies({
    store: store.checkpoints,
    budgetMb: config.checkpointMb,
    remote: async () => !embedded && (await workspaceMode(settings, config.files)) === 'kernel',
    log,
  });
  const bootstrap = await bootstrapAccounts(store.accounts, log);
  // Conversation-list changes for the tabs; with PostgreSQL also to and from the other servers.
  const relay = config.databaseUrl ? await PostgresChannel.open({ url: config.databaseUrl, log }) : undefined;
  const listEvents = new ListEvents({ serverId: holder.id, log, relay });
  undo.push(() => listEvents.close());
  void store.collectGarbage().catch((error: unknown) => log.warn('could not collect unused stored outputs', error));
  conversations = new Conversations({
    store,
    log,
    deleteWorkspace: async (id) => {
      await files.deleteWorkspace(id);
      if (embedded) await rm(join(checkpointRoot(config.dataDir), id), { recursive: true, force: true });
    },
    maxCellOutputBytes: config.maxCellOutputBytes,
    kernelIdleMs: config.kernelIdleMs,
    maxKernels: config.maxKernels,
    maxKernelsPerUser: config.maxKernelsPerUser,
    pool: kernelPool,
    events: listEvents,
    ...(leases ? { leases } : {}),
    runtime: {
      kernels,
      assistant,
      log,
      cellTimeoutMs: config.cellTimeoutMs,
      stdinTimeoutMs: config.stdinTimeoutMs,
      autoRestore: config.autoRestore,
      listFiles: listFilesOf(files),
      checkpointSaved: (id, session, checkpointId) => storeCopies.saved(id, session, checkpointId),
      beforeHibernate: (id, session) => storeCopies.beforeHibernate(id, session),
      checkpointSource: (id) => storeCopies.source(id),
    },
  });

  const loaded = conversations;
  undo.push(() => loaded.close());

  const jupyterReady = async () => {
    if (embedded && !embedded.ready) return false;
    try {
      const response = await settings.fetch(`${settings.baseUrl}api/kernelspecs`, {
        headers: jupyterToken ? { Authorization: `token ${jupyterToken}` } : {},
        signal: AbortSignal.timeout(2000),
      });
      return response.ok;
    } catch {
      return false;
    }
  };

  // What every request reads to know its caller, kept usable while the database is down.
  const accounts = outageTolerantAccounts(store.accounts);
  // Set once a shutdown begins (readiness answers 503 from then on).
  let closing: Promise<void> | undefined;
  const sessions = new Sessions(accounts);
  const sockets = new SocketRegistry();
  const quota = new StorageQuota(store, config.storageQuotaBytes);
  const app = createApp({
    token,
    accounts,
    sessions,
    sockets,
    listEvents,
    publicUrl: config.publicUrl,
    oidc: config.oidc ? new OidcSignIn({ config: config.oidc, accounts, log }) : undefined,
    log,
    clientDir: options.clientDir ?? defaultClientDir,
    conversations,
    kernels,
    jupyterReady,
    // Readiness fails from the first moment of a shutdown, so the load balancer stops sending.
    draining: () => closing !== undefined,
    model: () => assistant.describe(),
    sandboxed,
    usage: {
      liveKernels: () => loaded.liveKernels(),
      storageByOwner: () => store.storageByOwner(),
      limits: { maxKernelsPerUser: config.maxKernelsPerUser, storageQuotaBytes: config.storageQuotaBytes },
    },
    extraRoutes: [
      filesRoutes({ conversations, files, maxUploadBytes: config.maxUploadBytes, quota, log }),
      branchRoutes({ conversations, quota }),
      notebookRoutes({ conversations, kernels, files, maxImportBytes: config.maxUploadBytes, maxCellOutputBytes: config.maxCellOutputBytes, quota }),
    ],
  });

  const server = serve({
    fetch: app.fetch,
    port: config.port,
    hostname: config.host,
    serverOptions: { requestTimeout: requestTimeoutMs(config.maxUploadBytes) },
  }) as Server;
  undo.push(() => new Promise<void>((done) => server.close(() => done())));
  try {
    // `once` rejects with the server's 'error' (the port is taken, the address is not ours).
    await once(server, 'listening');
  } catch (error) {
    throw new PublicError(`Could not listen on ${config.host}:${config.port}: ${errorMessage(error)} (set PORT or HOST).`, 500, { cause: error });
  }
  const wss = attachSocketServer(server, { token, accounts, sessions, sockets, publicUrl: config.publicUrl, conversations, log, quota });
  conversations.onMoved((id) => sockets.moved(id));
  // Warm kernels for new conversations, started in the background once the server answers.
  void kernels.specs().then(
    (specs) => kernelPool.start(specs.default),
    (error: unknown) => log.warn('the kernel pool did not start: the kernel specs could not be read', error),
  );
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  holder.url ||= url;
  const publicOrigin = config.publicUrl ? new URL(config.publicUrl).origin : url;
  const signInLink = bootstrap.signInCode ? `${publicOrigin}/?signin=${bootstrap.signInCode}` : undefined;
  const loginUrl = token !== undefined ? `${publicOrigin}/?token=${encodeURIComponent(token)}` : signInLink;

  const all = conversations;
  return {
    url,
    port,
    token,
    loginUrl,
    signInLink,
    publicOrigin,
    config,
    get jupyterPid() {
      return embedded?.pid;
    },
    kernelPool,
    close() {
      closing ??= (async () => {
        // Many servers on one Jupyter: a drain. The kernels keep running for the next holders,
        // which take the released leases at once; tabs reconnect (through the load balancer) to them.
        if (leases && !embedded) {
          await all.drain();
          for (const client of wss.clients) client.close(SOCKET_CLOSE.NOT_HOLDER, NOT_HOLDER_REASON);
          wss.close();
          server.closeAllConnections?.();
          await new Promise<void>((done) => server.close(() => done()));
          await kernelPool.close();
          await kernels.detachAll('This Talkbook server is shutting down.');
          await listEvents.close();
          await leases.close();
          await opened.close();
          return;
        }
        for (const client of wss.clients) client.close(1001, 'server shutting down');
        wss.close();
        server.closeAllConnections?.();
        await new Promise<void>((done) => server.close(() => done()));
        await kernelPool.close();
        // Copies under way need their kernels: they end first.
        await storeCopies.settled();
        await all.close();
        await listEvents.close();
        await leases?.close();
        await kernels.shutdownAll();
        await embedded?.stop();
        if (runtimeDir) await rm(runtimeDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
