import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jupyterSettings } from '../../server/jupyter/jupyter-settings.ts';
import {
  copyCheckpoint,
  exportCheckpoint,
  importCheckpoint,
  installCheckpoints,
  isSaved,
  listCheckpoints,
  readCheckpointBlob,
  restoreCheckpoint,
  saveCheckpoint,
  undoCheckpoint,
  type CheckpointEngineOptions,
} from '../../server/kernel/kernel-checkpoints.ts';
import type { KernelSession } from '../../server/kernel/kernel-session.ts';
import { Kernels } from '../../server/kernel/kernels.ts';
import { createLogger } from '../../server/log.ts';
import { startPlainJupyter, type PlainJupyter } from '../helpers/plain-jupyter.ts';

/**
 * Kernel checkpoints against real kernels: cells run as a person's would (not silent, so the
 * engine follows them), checkpoints are saved and restored through the `talkbook.checkpoints`
 * comm, and a "fresh kernel" is a new kernel process on the same workspace and folder.
 */
let jupyter: PlainJupyter;
let kernels: Kernels;
let folders: string;

beforeAll(async () => {
  jupyter = await startPlainJupyter();
  kernels = new Kernels({ settings: jupyterSettings(jupyter.url, jupyter.token), log: createLogger('silent'), defaultKernel: 'python3' });
  folders = await mkdtemp(join(tmpdir(), 'talkbook-checkpoints-'));
});

afterAll(async () => {
  await kernels?.shutdownAll();
  await jupyter?.close();
  if (folders) await rm(folders, { recursive: true, force: true });
});

let conversations = 0;

/** A conversation: its kernel (with the engine), its workspace and checkpoint folder. */
async function conversation(options: Partial<CheckpointEngineOptions> = {}) {
  const id = `conv${++conversations}`;
  const folder = join(folders, id);
  const session = await start(id, folder, options);
  return { id, folder, workspace: join(jupyter.rootDir, id), session };
}

async function start(id: string, folder: string, options: Partial<CheckpointEngineOptions> = {}): Promise<KernelSession> {
  const session = await kernels.session(id, 'python3');
  const info = await installCheckpoints(session, { folder, ...options });
  expect(info.folder).toBe(folder);
  return session;
}

/** A new kernel for the same conversation: nothing in its namespace. */
async function freshKernel(id: string, folder: string, options: Partial<CheckpointEngineOptions> = {}): Promise<KernelSession> {
  await kernels.shutdown(id);
  return start(id, folder, options);
}

/** Run `code` as a person's cell; what it printed. Throws with the error when it fails. */
async function cell(session: KernelSession, code: string): Promise<string> {
  let printed = '';
  let error = '';
  const outcome = await session.execute(code, {
    onEvent: (event) => {
      if (event.kind !== 'output') return;
      if (event.output.output_type === 'stream') printed += event.output.text;
      if (event.output.output_type === 'error') error = `${event.output.ename}: ${event.output.evalue}`;
    },
  });
  if (outcome.status !== 'ok') throw new Error(`cell failed (${outcome.status}): ${error}`);
  return printed;
}

async function checkpointed(session: KernelSession, cellId: string, code: string) {
  await cell(session, code);
  const saved = await saveCheckpoint(session, { cellId, source: code });
  if (!isSaved(saved)) throw new Error(saved.message);
  return saved;
}

describe('kernel checkpoints', () => {
  it('brings back x = np.random.rand(3) and the next draw in a fresh kernel', async () => {
    const { id, folder, session } = await conversation();
    const saved = await checkpointed(session, 'c1', 'import numpy as np\nx = np.random.rand(3)');
    expect(saved.status).toBe('saved');
    const before = await cell(session, 'print(repr(x.tolist()), repr(np.random.rand()))');

    const fresh = await freshKernel(id, folder);
    expect(await cell(fresh, 'print("x" in globals())')).toBe('False\n');
    const restored = await restoreCheckpoint(fresh, { id: saved.id });
    expect(restored.restored).toEqual(['np', 'x']);
    expect(restored.missing).toEqual([]);
    expect(await cell(fresh, 'print(repr(x.tolist()), repr(np.random.rand()))')).toBe(before);
  });

  it('checkpoints with the cell in one round trip, only when the cell succeeds', async () => {
    const { session } = await conversation();
    const good = 'import time\ntime.sleep(0.5)\nvalue = 7';
    const [, saved] = await Promise.all([cell(session, good), saveCheckpoint(session, { cellId: 'c1', source: good, ifSucceeded: true })]);
    expect(saved.status).toBe('saved');
    const bad = "value = 8\nraise ValueError('no')";
    const [failed, skipped] = await Promise.allSettled([cell(session, bad), saveCheckpoint(session, { cellId: 'c2', source: bad, ifSucceeded: true })]);
    expect(failed.status).toBe('rejected');
    expect(skipped).toMatchObject({ status: 'fulfilled', value: { status: 'skipped', reason: 'error' } });
  });

  it('keeps aliases, session functions, classes, lambdas, module aliases and frames', async () => {
    const { id, folder, session } = await conversation();
    await checkpointed(session, 'c1', 'import pandas as pd\na = [1]\nb = a\nb.append(2)');
    const saved = await checkpointed(
      session,
      'c2',
      [
        'scale = 10',
        'def f(v):\n    return v * scale',
        'class Box:\n    def __init__(self, v):\n        self.v = v\n    def doubled(self):\n        return Box(self.v * 2)',
        'box = Box(4)',
        'g = lambda v: f(v) + 1',
        'frames = {"east": pd.DataFrame({"sales": [1.5, 2.5]}), "west": pd.DataFrame({"sales": [3.0]})}',
      ].join('\n'),
    );
    expect(saved.unsaved).toEqual([]);
    const fresh = await freshKernel(id, folder);
    await restoreCheckpoint(fresh, { id: saved.id });
    const check = 'print(a is b, a, f(2), g(3), box.doubled().v, isinstance(box.doubled(), Box), pd.__name__, {k: v.sales.sum() for k, v in frames.items()})';
    expect(await cell(fresh, check)).toBe("True [1, 2] 20 31 8 True pandas {'east': 4.0, 'west': 3.0}\n");
    // Functions see the restored globals: changing one changes what they compute.
    expect(await cell(fresh, 'scale = 100\nprint(f(2))')).toBe('200\n');
  });

  it('reports an open file and a generator with the cells that made them', async () => {
    const { id, folder, session } = await conversation();
    await checkpointed(session, 'open-cell', "log = open('log.txt', 'w')\nlog.write('line')\nlog.flush()");
    const saved = await checkpointed(session, 'gen-cell', 'squares = (i * i for i in range(10))\nnext(squares)\nkept = 3');
    expect(saved.status).toBe('partial');
    expect(saved.unsaved.map((entry) => [entry.name, entry.cellId])).toEqual([
      ['log', 'open-cell'],
      ['squares', 'gen-cell'],
    ]);
    expect(saved.unsaved[0]!.reason).toBe("an open file 'log.txt' (mode 'w')");
    expect(saved.unsaved[1]!.reason).toMatch(/generator/);

    const fresh = await freshKernel(id, folder);
    const restored = await restoreCheckpoint(fresh, { id: saved.id });
    expect(restored.missing.map((entry) => [entry.name, entry.cellId])).toEqual([
      ['log', 'open-cell'],
      ['squares', 'gen-cell'],
    ]);
    expect(restored.replay).toEqual(['open-cell', 'gen-cell']);
    expect(await cell(fresh, 'print(kept, "log" in globals())')).toBe('3 False\n');
  });

  it('undoes df = df.dropna() and brings back the file the cell overwrote', async () => {
    const { workspace, session } = await conversation();
    await checkpointed(session, 'c1', "import pandas as pd\ndf = pd.DataFrame({'v': [1.0, None, 3.0]})\ndf.to_csv('data.csv', index=False)");
    const original = await readFile(join(workspace, 'data.csv'), 'utf8');
    const saved = await checkpointed(session, 'c2', "df = df.dropna()\ndf.to_csv('data.csv', index=False)\nopen('made.txt', 'w').write('new')");
    expect(saved.files).toMatchObject({ changed: ['data.csv'], created: ['made.txt'], deleted: [] });
    expect(await readFile(join(workspace, 'data.csv'), 'utf8')).not.toBe(original);

    const undone = await undoCheckpoint(session, { id: saved.id });
    expect(undone.undone).toBe(saved.id);
    expect(undone.restored).toEqual(['df']);
    expect(undone.files).toMatchObject({ written: ['data.csv'], deleted: ['made.txt'], left: [] });
    expect(await cell(session, 'print(len(df), int(df.v.isna().sum()))')).toBe('3 1\n');
    expect(await readFile(join(workspace, 'data.csv'), 'utf8')).toBe(original);
  });

  it('does not write an unchanged big DataFrame again, and stores equal bytes once', async () => {
    const { session } = await conversation();
    const first = await checkpointed(session, 'c1', 'import numpy as np, pandas as pd\nbig = pd.DataFrame(np.random.rand(1_000_000, 10))\nvec = np.random.rand(2_000_000)\nsmall = 1');
    expect(first.bytesWritten).toBeGreaterThan(96_000_000);
    const trivial = await checkpointed(session, 'c2', 'small += 1');
    expect(trivial.bytesWritten).toBeLessThan(50_000);
    expect(trivial.written).toEqual(['small']);
    expect(trivial.carried).toBeGreaterThanOrEqual(1);
    // A copy has the same bytes: its buffer is already there.
    const copied = await checkpointed(session, 'c3', 'twin = vec.copy()');
    expect(copied.written).toEqual(['twin']);
    expect(copied.bytesWritten).toBeLessThan(50_000);
    const changed = await checkpointed(session, 'c4', 'big.iloc[0, 0] = -1.0');
    expect(changed.written).toContain('big');
    expect(changed.bytesWritten).toBeGreaterThanOrEqual(80_000_000);
  });

  it('thins old checkpoints to a small budget', async () => {
    const { session } = await conversation({ budgetMb: 1, keepRecent: 2 });
    const ids: string[] = [];
    let dropped = 0;
    for (let i = 0; i < 8; i++) {
      const saved = await checkpointed(session, `c${i}`, `blob${i % 2} = bytes([${i}]) * 300_000`);
      ids.push(saved.id);
      dropped += saved.dropped.length;
      expect(saved.totalBytes).toBeLessThanOrEqual(saved.budgetBytes);
    }
    const list = await listCheckpoints(session);
    expect(dropped).toBeGreaterThan(0);
    expect(list.checkpoints.length).toBe(ids.length - dropped);
    expect(list.checkpoints.map((c) => c.id).slice(-2)).toEqual(ids.slice(-2));
    expect(list.head).toBe(ids.at(-1));
    expect(list.totalBytes).toBeLessThanOrEqual(1024 * 1024);
  });

  it('reports a variable that cannot be pickled without failing the cell', async () => {
    const { session } = await conversation();
    const code = "class Stubborn:\n    def __reduce__(self):\n        raise RuntimeError('not today')\nthing = Stubborn()\nfine = [1, 2]\nprint('ran')";
    expect(await cell(session, code)).toBe('ran\n');
    const saved = await saveCheckpoint(session, { cellId: 'c1', source: code });
    expect(saved.status).toBe('partial');
    if (!isSaved(saved)) return;
    expect(saved.unsaved).toMatchObject([{ name: 'thing', cellId: 'c1' }]);
    expect(saved.unsaved[0]!.reason).toMatch(/RuntimeError: not today/);
    expect(saved.written).toContain('fine');
  });

  it('moves a checkpoint to another kernel through its blobs (as the store would)', async () => {
    const { session } = await conversation();
    const saved = await checkpointed(session, 'c1', "import numpy as np\nweights = np.arange(3_000_000, dtype='float64')\nlabel = 'model'");
    const exported = await exportCheckpoint(session, saved.id);
    const blobs = new Map<string, Uint8Array[]>();
    for (const blob of exported.blobs) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of readCheckpointBlob(session, blob, { chunkBytes: 5_000_000 })) chunks.push(chunk);
      blobs.set(blob.hash, chunks);
    }
    const other = await conversation();
    const imported = await importCheckpoint(other.session, exported, (hash) => blobs.get(hash)!);
    expect(imported.id).toBe(saved.id);
    expect(imported.sentBytes).toBeGreaterThan(24_000_000);
    await restoreCheckpoint(other.session, { id: saved.id });
    expect(await cell(other.session, 'print(label, weights[-1], weights.flags.writeable)')).toBe('model 2999999.0 True\n');
    // Sent again: every blob is there already.
    expect((await importCheckpoint(other.session, exported, () => [])).sentBytes).toBe(0);
  });

  it('branches: a copied checkpoint restores variables and files into another workspace', async () => {
    const source = await conversation();
    await checkpointed(source.session, 'c1', "with open('notes.txt', 'w') as f:\n    f.write('from the original')\ntotal = 41");
    const saved = await checkpointed(source.session, 'c2', 'total += 1');
    const branch = await conversation();
    const copied = await copyCheckpoint({ from: source.folder, id: saved.id, to: branch.folder });
    expect(copied.copied).toEqual([saved.id, saved.parent]);
    const restored = await restoreCheckpoint(branch.session, { id: saved.id, files: true });
    expect(restored.files?.written).toEqual(['notes.txt']);
    expect(await cell(branch.session, "print(total, open('notes.txt').read())")).toBe('42 from the original\n');
    await writeFile(join(branch.workspace, 'notes.txt'), 'changed in the branch');
    expect(await readFile(join(source.workspace, 'notes.txt'), 'utf8')).toBe('from the original');
  });

  it('rejects what a replaced comm handler answers', async () => {
    const { session } = await conversation();
    await cell(
      session,
      [
        'def hostile(comm, msg):',
        "    op = msg['content']['data'].get('op')",
        "    if op == 'save':",
        "        comm.send({'ok': True, 'status': 'saved', 'id': '../../etc/passwd', 'parent': None})",
        "    elif op == 'list':",
        "        comm.send({'ok': True, 'version': 1, 'folder': '/', 'workspace': '/', 'head': None, 'totalBytes': -5, 'budgetBytes': 0, 'checkpoints': []})",
        '    else:',
        "        comm.send({'ok': True, 'restored': 'everything'})",
        '    comm.close()',
        "get_ipython().kernel.comm_manager.register_target('talkbook.checkpoints', hostile)",
      ].join('\n'),
    );
    await expect(saveCheckpoint(session, { cellId: 'c1', source: 'x = 1' })).rejects.toMatchObject({ status: 502, message: expect.stringMatching(/does not understand/) });
    await expect(listCheckpoints(session)).rejects.toMatchObject({ status: 502 });
    await expect(restoreCheckpoint(session, { id: '000001-00000000' })).rejects.toMatchObject({ status: 502 });
  });
});
