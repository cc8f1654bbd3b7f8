import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PublicError } from '../errors.ts';
import { KernelRequestError, type KernelSession } from './kernel-session.ts';

/**
 * Kernel checkpoints (issue 19): the engine in `kernel-config/startup/talkbook_checkpoint`
 * runs in each Python kernel, saves its variables, modules, random state and workspace files
 * into a per-conversation folder after every cell that ran without error, and answers one
 * request per comm on `talkbook.checkpoints`. Replies come from code the conversation
 * controls (it can replace the handler), so every one is validated here.
 */
export const KERNEL_CHECKPOINTS_TARGET = 'talkbook.checkpoints';

const packageDir = fileURLToPath(new URL('../../kernel-config/startup/talkbook_checkpoint', import.meta.url));
const startupDir = fileURLToPath(new URL('../../kernel-config/startup', import.meta.url));
/** The package's modules, sent to each kernel with `install.py`, which makes them importable and starts the engine. */
const sources = Object.fromEntries(
  readdirSync(packageDir)
    .filter((name) => name.endsWith('.py') && name !== 'install.py')
    .map((name) => [name.slice(0, -3), readFileSync(join(packageDir, name), 'utf8')]),
);
const installer = readFileSync(join(packageDir, 'install.py'), 'utf8');


export interface CheckpointEngineOptions {
  /** The conversation's checkpoint folder as the kernel sees it (beside its workspace, never inside). */
  folder: string;
  /** The workspace as the kernel sees it (default: the kernel's working directory). */
  workspace?: string;
  /** TALKBOOK_CHECKPOINT_MB: the folder's byte budget (default 2048). */
  budgetMb?: number;
  /** Files up to this size are kept as blobs; bigger ones are listed only (default 64). */
  fileMaxMb?: number;
  /** Checkpoints never thinned, newest first (default 8). */
  keepRecent?: number;
}

/** Code that installs and starts the engine in a Python kernel, in a namespace of its own. */
export function installCheckpointsCode(options: CheckpointEngineOptions): string {
  const settings = {
    folder: options.folder,
    workspace: options.workspace ?? null,
    budget_mb: options.budgetMb ?? 2048,
    file_max_mb: options.fileMaxMb ?? 64,
    keep_recent: options.keepRecent ?? 8,
  };
  return `import json as _json\nexec(${JSON.stringify(installer)}, {"__name__": "talkbook_checkpoint_install", "SOURCES": _json.loads(${JSON.stringify(JSON.stringify(sources))}), "OPTIONS": _json.loads(${JSON.stringify(JSON.stringify(settings))})})\ndel _json`;
}

const checkpointId = z.string().regex(/^[0-9]{6,12}-[0-9a-f]{8}$/);
const blobHash = z.string().regex(/^[0-9a-f]{64}$/);
const name = z.string().min(1).max(300);
const names = z.array(name).max(100_000);
const path = z.string().min(1).max(4096);
const paths = z.array(path).max(100_000);
const count = z.number().int().nonnegative();
const cellId = z.string().max(200).nullable();
const moduleName = z.string().max(300);

const unsavedVariable = z.object({ name, reason: z.string().max(2000), type: z.string().max(300).optional(), cellId: cellId.optional() });
const missingVariable = z.object({ name, reason: z.string().max(2000), cellId: cellId.optional() });
// Nanoseconds since 1970 are past 2^53: a JavaScript number holds them to within a few hundred
// ns (not a safe integer, which zod's int() insists on), close enough for a file's time.
const fileEntry = z.object({ size: count, mtimeNs: z.number().finite(), hash: blobHash.nullable(), kept: z.boolean() });
const fileRestore = z.object({ written: paths, deleted: paths, left: z.array(z.object({ path, reason: z.string().max(2000) })).max(100_000), extra: paths });

/** A checkpoint's manifest (see kernel-config/startup/talkbook_checkpoint/manifest.py), as exported and imported. */
export const checkpointManifest = z.object({
  format: z.literal(1),
  id: checkpointId,
  seq: count,
  parent: checkpointId.nullable(),
  cellId,
  createdAt: z.string().max(40),
  groups: z.array(z.object({ names, pickle: blobHash, buffers: z.array(blobHash).max(100_000), pickler: z.enum(['pickle', 'dill']), bytes: count })).max(100_000),
  modules: z.record(name, moduleName),
  unsaved: z.array(unsavedVariable).max(100_000),
  random: blobHash.nullable(),
  lineage: z.record(name, z.object({ cellId, seq: count, reads: names })),
  files: z.record(path, fileEntry),
  filesTruncated: z.boolean(),
  changes: z.object({ created: paths, changed: paths, deleted: paths }),
  before: z.record(path, fileEntry),
});
export type CheckpointManifest = z.infer<typeof checkpointManifest>;

const saved = z.object({
  status: z.enum(['saved', 'partial']),
  id: checkpointId,
  parent: checkpointId.nullable(),
  /** Why every variable was looked at (`it calls exec()`), or null when only what the cell could change was. */
  everything: z.string().max(500).nullable(),
  bytesWritten: count,
  written: names,
  carried: count,
  modules: z.record(name, moduleName),
  /** What could not be saved, why, and the cell that last assigned it. */
  unsaved: z.array(unsavedVariable).max(100_000),
  /** What the cell did to the workspace; `notKept`: files too big to keep, listed only. */
  files: z.object({ created: paths, changed: paths, deleted: paths, notKept: paths }),
  filesTruncated: z.boolean(),
  dropped: z.array(checkpointId).max(100_000),
  totalBytes: count,
  budgetBytes: count,
  ms: z.number().nonnegative(),
});
/**
 * `failed`: the checkpoint could not be written (the cell still succeeded). `skipped` (with
 * `ifSucceeded`): the cell raised (`reason: 'error'`), or the request reached the kernel before
 * the cell did (`'unseen'`: save again once the cell is done).
 */
const notSaved = z.union([
  z.object({ status: z.literal('failed'), message: z.string().max(2000), ms: z.number().nonnegative() }),
  z.object({ status: z.literal('skipped'), reason: z.enum(['error', 'unseen']), message: z.string().max(2000), ms: z.number().nonnegative() }),
]);

const restored = z.object({
  id: checkpointId.nullable(),
  restored: names,
  /** Already right in the running kernel (nothing read). */
  kept: names,
  /** Variables the checkpoint does not have, deleted. */
  removed: names,
  missing: z.array(missingVariable).max(100_000),
  /** Cells to run again, in order, to rebuild what is missing. */
  replay: z.array(z.string().max(200)).max(100_000),
  /** Missing names no known cell made. */
  unknown: names,
  bytesRead: count,
  /** Mapped from blob files rather than read (`lazy`): their pages load as they are used. */
  bytesMapped: count,
  ms: z.number().nonnegative(),
  mbPerS: z.number().nonnegative().nullable(),
  files: fileRestore.optional(),
});

const listed = z.object({
  version: z.literal(1),
  folder: z.string().max(4096),
  workspace: z.string().max(4096),
  head: checkpointId.nullable(),
  totalBytes: count,
  budgetBytes: count,
});

const replies = {
  hello: listed,
  save: z.union([saved, notSaved]),
  restore: restored,
  undo: restored.extend({ undone: checkpointId }),
  list: listed.extend({
    checkpoints: z
      .array(z.object({ id: checkpointId, seq: count, parent: checkpointId.nullable(), cellId, createdAt: z.string().max(40).nullable(), bytes: count, variables: count, unsaved: names, files: count }))
      .max(100_000),
  }),
  drop: z.object({ dropped: z.array(checkpointId).max(100_000), totalBytes: count }),
  thin: z.object({ dropped: z.array(checkpointId).max(100_000), totalBytes: count }),
  export: z.object({ checkpoint: checkpointManifest, blobs: z.array(z.object({ hash: blobHash, size: count })).max(1_000_000) }),
  read_blob: z.object({ size: count }),
  has_blobs: z.object({ missing: z.array(blobHash).max(1_000_000) }),
  put_blob: z.object({ size: count, stored: z.boolean() }),
  import: z.object({ id: checkpointId }),
};
type Op = keyof typeof replies;

export type CheckpointEngineInfo = z.infer<typeof listed>;
export type SaveResult = z.infer<typeof replies.save>;
export type SavedCheckpoint = z.infer<typeof saved>;

/** Whether a save made a checkpoint (`saved`, or `partial`: some variables could not be saved). */
export function isSaved(result: SaveResult): result is SavedCheckpoint {
  return result.status === 'saved' || result.status === 'partial';
}
export type RestoreResult = z.infer<typeof restored>;
export type UndoResult = z.infer<typeof replies.undo>;
export type CheckpointList = z.infer<typeof replies.list>;
export type CheckpointExport = z.infer<typeof replies.export>;

const failure = z.object({
  ok: z.literal(false),
  code: z.enum(['bad_request', 'not_found', 'missing', 'changed', 'bad_hash', 'taken', 'failed']),
  message: z.string().max(2000),
});

const answered = z.object({ ok: z.literal(true) });

const DEFAULT_TIMEOUT_MS = 30_000;
const BLOB_CHUNK_BYTES = 8 * 1024 * 1024;

/** One checkpoint request. Kernel refusals become typed errors; replies that do not parse are refused (502). */
async function request<K extends Op>(
  session: KernelSession,
  op: K,
  args: Record<string, unknown>,
  options: { buffers?: Uint8Array[]; timeoutMs?: number } = {},
): Promise<{ reply: z.infer<(typeof replies)[K]>; buffers: Uint8Array[] }> {
  let answer;
  try {
    answer = await session.request(KERNEL_CHECKPOINTS_TARGET, { op, ...args }, options.buffers, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  } catch (error) {
    if (!(error instanceof KernelRequestError)) throw error;
    throw new PublicError(
      error.timedOut ? `${error.message} Checkpoints are made by the kernel, which answers after the running cell.` : error.message,
      503,
      { cause: error },
    );
  }
  if (!answer) throw new PublicError('This kernel does not make checkpoints (only Python kernels do, once the engine is installed).', 503);
  const refused = failure.safeParse(answer.data);
  if (refused.success) throw refusal(refused.data.code, refused.data.message);
  const parsed = replies[op].safeParse(answer.data);
  if (!parsed.success || !answered.safeParse(answer.data).success) {
    throw new PublicError(`The kernel answered a "${op}" checkpoint request with something Talkbook does not understand.`, 502);
  }
  return { reply: parsed.data as z.infer<(typeof replies)[K]>, buffers: answer.buffers };
}

function refusal(code: z.infer<typeof failure>['code'], message: string): PublicError {
  switch (code) {
    case 'not_found':
      return new PublicError(message, 404);
    case 'bad_request':
      return new PublicError(message, 400);
    case 'missing':
    case 'changed':
    case 'taken':
      return new PublicError(message, 409);
    case 'bad_hash':
    case 'failed':
      return new PublicError(`The kernel could not do that: ${message}`, 502);
  }
}

/** Install and start the engine (silently) and check that it answers. */
export async function installCheckpoints(session: KernelSession, options: CheckpointEngineOptions): Promise<CheckpointEngineInfo> {
  const outcome = await session.execute(installCheckpointsCode(options), { silent: true });
  if (outcome.status !== 'ok') throw new PublicError('The kernel could not start making checkpoints.', 502);
  return (await request(session, 'hello', {})).reply;
}

/**
 * Checkpoint the kernel after a cell that ran without error. A checkpoint that fails is
 * `status: 'failed'`, never a throw from the kernel's side.
 *
 * With `ifSucceeded`, call it right after starting the cell (`session.execute`), without waiting
 * for the cell: the request waits in the kernel behind it, which checkpoints only if that cell
 * (same `source`) ran without error, and answers right after it: one round trip less. It lets
 * one turn of the event loop pass first, so that an execution started on an idle session is on
 * the wire before it. `timeoutMs` must then cover the cell too (default 120 s).
 */
export async function saveCheckpoint(
  session: KernelSession,
  cell: { cellId: string; source: string; ifSucceeded?: boolean },
  options: { timeoutMs?: number } = {},
): Promise<SaveResult> {
  const args = { cellId: cell.cellId, source: cell.source, ifSucceeded: cell.ifSucceeded ?? false };
  if (args.ifSucceeded) await new Promise((resolve) => setImmediate(resolve));
  return (await request(session, 'save', args, { timeoutMs: options.timeoutMs ?? 120_000 })).reply;
}

/**
 * Bring checkpoint `id` into the kernel (and, with `files`, its workspace files back). `lazy`
 * (default true) maps buffers of 16 MiB and more from their blob files instead of reading them:
 * a hibernated kernel with a 500 MB frame is back at once, its pages load as they are used.
 */
export async function restoreCheckpoint(
  session: KernelSession,
  target: { id: string; files?: boolean; lazy?: boolean },
  options: { timeoutMs?: number } = {},
): Promise<RestoreResult> {
  const args = { id: target.id, files: target.files ?? false, lazy: target.lazy ?? true };
  return (await request(session, 'restore', args, { timeoutMs: options.timeoutMs ?? 300_000 })).reply;
}

/** The state before the cell of checkpoint `id`: the variables of the checkpoint before it, and that cell's file changes undone (unless `files: false`). */
export async function undoCheckpoint(session: KernelSession, target: { id: string; files?: boolean }, options: { timeoutMs?: number } = {}): Promise<UndoResult> {
  return (await request(session, 'undo', { id: target.id, files: target.files ?? true }, { timeoutMs: options.timeoutMs ?? 300_000 })).reply;
}

export async function listCheckpoints(session: KernelSession): Promise<CheckpointList> {
  return (await request(session, 'list', {})).reply;
}

export async function dropCheckpoints(session: KernelSession, ids: string[]): Promise<{ dropped: string[]; totalBytes: number }> {
  return (await request(session, 'drop', { ids })).reply;
}

/** Thin to `budgetBytes` (default: the engine's budget) and collect what no checkpoint uses. */
export async function thinCheckpoints(session: KernelSession, budgetBytes?: number): Promise<{ dropped: string[]; totalBytes: number }> {
  return (await request(session, 'thin', budgetBytes === undefined ? {} : { budgetBytes })).reply;
}

/** A checkpoint's manifest and the blobs it needs (read each with `readCheckpointBlob`). */
export async function exportCheckpoint(session: KernelSession, id: string): Promise<CheckpointExport> {
  return (await request(session, 'export', { id })).reply;
}

/** The hash Talkbook and the engine name a blob by: the first 256 bits of BLAKE2b-512, in hex. */
export function checkpointBlobHash(bytes: Uint8Array): string {
  return createHash('blake2b512').update(bytes).digest('hex').slice(0, 64);
}

/** A blob's bytes in chunks; throws (502) when what arrived is not the blob named by `hash`. */
export async function* readCheckpointBlob(session: KernelSession, blob: { hash: string; size: number }, options: { chunkBytes?: number } = {}): AsyncGenerator<Uint8Array> {
  const hasher = createHash('blake2b512');
  let offset = 0;
  while (offset < blob.size) {
    const { reply, buffers } = await request(session, 'read_blob', { hash: blob.hash, offset, length: Math.min(options.chunkBytes ?? BLOB_CHUNK_BYTES, blob.size - offset) });
    const chunk = buffers[0];
    if (!chunk || chunk.byteLength !== reply.size || reply.size === 0) throw new PublicError('The kernel sent a checkpoint blob that is not the size it said.', 502);
    hasher.update(chunk);
    offset += chunk.byteLength;
    yield chunk;
  }
  if (hasher.digest('hex').slice(0, 64) !== blob.hash) throw new PublicError('A checkpoint blob from the kernel does not match its hash.', 502);
}

/**
 * Give the kernel a checkpoint it does not have (from Talkbook's store): only the blobs it
 * lacks are sent, each as chunks from `openBlob`, then the manifest.
 */
export async function importCheckpoint(
  session: KernelSession,
  exported: CheckpointExport,
  openBlob: (hash: string) => AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<{ id: string; sentBytes: number }> {
  const manifest = checkpointManifest.safeParse(exported.checkpoint);
  if (!manifest.success) throw new PublicError('That is not a checkpoint manifest Talkbook can send to a kernel.', 500);
  const { reply } = await request(session, 'has_blobs', { hashes: exported.blobs.map((blob) => blob.hash) });
  let sentBytes = 0;
  for (const hash of reply.missing) {
    let offset = 0;
    for await (const chunk of openBlob(hash)) {
      for (let start = 0; start < chunk.byteLength; start += BLOB_CHUNK_BYTES) {
        const part = chunk.subarray(start, start + BLOB_CHUNK_BYTES);
        const sent = await request(session, 'put_blob', { hash, offset, final: false }, { buffers: [part] });
        if (sent.reply.size !== offset + part.byteLength) throw new PublicError('The kernel lost part of a checkpoint blob.', 502);
        offset += part.byteLength;
      }
    }
    await request(session, 'put_blob', { hash, offset, final: true });
    sentBytes += offset;
  }
  const imported = await request(session, 'import', { checkpoint: manifest.data });
  return { id: imported.reply.id, sentBytes };
}

const copied = z.object({ ok: z.literal(true), copied: z.array(checkpointId).min(1), totalBytes: count });

/**
 * Copy a checkpoint (and `ancestors` before it, default 1, so its cell can be undone there too)
 * from one checkpoint folder to another on this machine: branching a conversation whose
 * folders are on Talkbook's disk. Runs the engine's CLI with `python` (TALKBOOK_PYTHON).
 */
export function copyCheckpoint(options: { from: string; id: string; to: string; ancestors?: number; python?: string }): Promise<{ copied: string[]; totalBytes: number }> {
  checkpointId.parse(options.id);
  const args = ['-m', 'talkbook_checkpoint', 'copy', options.from, options.id, options.to, '--ancestors', String(options.ancestors ?? 1)];
  return new Promise((resolve, reject) => {
    execFile(options.python ?? '/usr/bin/python3', args, { env: { PATH: '/usr/bin:/bin', PYTHONPATH: startupDir, PYTHONDONTWRITEBYTECODE: '1' }, timeout: 600_000 }, (error, stdout) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(stdout);
      } catch {
        reject(new PublicError(`Could not copy the checkpoint: ${error ? error.message : 'no answer'}`, 500));
        return;
      }
      const refused = failure.safeParse(parsed);
      if (refused.success) return reject(refusal(refused.data.code, refused.data.message));
      const result = copied.safeParse(parsed);
      if (!result.success) return reject(new PublicError('Could not copy the checkpoint.', 500));
      resolve({ copied: result.data.copied, totalBytes: result.data.totalBytes });
    });
  });
}
