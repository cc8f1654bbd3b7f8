/**
 * Issue 19's checkpoint benchmarks against real kernels (a plain jupyter-server, Debian's
 * python3 kernel, the engine installed as Talkbook installs it), in one run:
 *
 *   npx tsx bench/checkpoints.ts
 *
 * - overhead of a checkpoint after a trivial cell while a 500 MB DataFrame sits unchanged, and
 *   that the DataFrame is not written again;
 * - restore of that DataFrame and 20 small variables into a fresh kernel (page cache warm, and
 *   cold: the blobs evicted first), against replaying the cells; MB/s;
 * - storage after 50 cells that each change one small variable, against the namespace size.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { jupyterSettings } from '../server/jupyter/jupyter-settings.ts';
import { installCheckpoints, isSaved, listCheckpoints, restoreCheckpoint, saveCheckpoint, type SaveResult, type SavedCheckpoint } from '../server/kernel/kernel-checkpoints.ts';
import type { KernelSession } from '../server/kernel/kernel-session.ts';
import { Kernels } from '../server/kernel/kernels.ts';
import { createLogger } from '../server/log.ts';
import { startPlainJupyter } from '../test/helpers/plain-jupyter.ts';
import { formatLine, verdict, type BenchResult } from './result.ts';
import { median, percentile, round } from './stats.ts';

const MB = 1024 * 1024;
const SETUP = [
  'import numpy as np, pandas as pd',
  // 6,553,600 rows × 10 float64 columns: 500 MiB.
  'df = pd.DataFrame(np.random.rand(6_553_600, 10), columns=[f"c{i}" for i in range(10)])',
  Array.from({ length: 20 }, (_, i) => `v${i} = {"n": ${i}, "label": "item ${i}", "values": list(range(${i * 10}))}`).join('\n'),
];

export async function checkpointBenchmarks(options: { cells?: number } = {}): Promise<BenchResult[]> {
  const cells = options.cells ?? 50;
  const jupyter = await startPlainJupyter();
  const kernels = new Kernels({ settings: jupyterSettings(jupyter.url, jupyter.token), log: createLogger('silent'), defaultKernel: 'python3' });
  const base = await mkdtemp(join(tmpdir(), 'talkbook-bench-checkpoints-'));
  const folder = join(base, 'checkpoints');
  try {
    // The session: baseline round trips before the engine is there, then with a checkpoint each.
    const session = await kernels.session('bench', 'python3');
    for (const code of SETUP) await run(session, code);
    const baseline: number[] = [];
    for (let i = 0; i < cells; i++) baseline.push(await timed(() => run(session, `v${i % 20}["n"] = ${i}`)));
    await installCheckpoints(session, { folder });
    const first = await save(session, 'setup', SETUP.join('\n'));
    const namespaceBytes = first.totalBytes;
    // Odd cells send the checkpoint request with the cell (ifSucceeded): one round trip less.
    const afterReply: number[] = [];
    const pipelined: number[] = [];
    const written: number[] = [];
    const kernelMs: number[] = [];
    for (let i = 0; i < cells; i++) {
      const code = `v${i % 20}["n"] = ${1000 + i}`;
      const keep = (saved: SaveResult) => {
        if (!isSaved(saved)) throw new Error(`checkpoint ${saved.status}: ${saved.message}`);
        written.push(saved.bytesWritten);
        kernelMs.push(saved.ms);
      };
      if (i % 2 === 0) {
        afterReply.push(await timed(async () => {
          await run(session, code);
          keep(await saveCheckpoint(session, { cellId: `c${i}`, source: code }));
        }));
      } else {
        pipelined.push(await timed(async () => {
          const [, saved] = await Promise.all([run(session, code), saveCheckpoint(session, { cellId: `c${i}`, source: code, ifSucceeded: true })]);
          keep(saved);
        }));
      }
    }
    const list = await listCheckpoints(session);
    const head = list.head!;
    await kernels.shutdown('bench');

    // Restore into fresh kernels: warm page cache, then with the blobs evicted.
    const v0 = `${1000 + Math.floor((cells - 1) / 20) * 20}`;
    const warm = await restoreInFresh(kernels, folder, head, v0, false);
    evictFromPageCache(folder);
    const cold = await restoreInFresh(kernels, folder, head, v0, false);
    evictFromPageCache(folder);
    const lazy = await restoreInFresh(kernels, folder, head, v0, true);

    const replayMs = await timed(async () => {
      const fresh = await kernels.session('replay', 'python3');
      for (const code of SETUP) await run(fresh, code);
    });
    await kernels.shutdown('replay');

    const added = median(afterReply) - median(baseline);
    const addedPipelined = median(pipelined) - median(baseline);
    const maxWritten = Math.max(...written);
    const ratio = list.totalBytes / namespaceBytes;
    return [
      {
        name: 'checkpoint of a trivial cell (500 MB frame)',
        figure: `+${round(addedPipelined, 1)} ms median (sent with the cell)`,
        baseline: `cell alone ${round(median(baseline), 1)} ms`,
        target: '≤ 30 ms, frame not rewritten',
        verdict: verdict(addedPipelined <= 30 && maxWritten < MB),
        notes: `${cells} cells (${baseline.length} without the engine first); sent after the cell's reply instead: +${round(added, 1)} ms; p95 with the checkpoint ${round(percentile(pipelined, 0.95), 1)} ms (sent with the cell), ${round(percentile(afterReply, 0.95), 1)} ms (after); the save itself in the kernel: median ${round(median(kernelMs), 1)} ms; at most ${maxWritten} bytes written per checkpoint (the frame: ${round(first.bytesWritten / MB, 0)} MiB, once); load average ${loadavg()[0]!.toFixed(1)} at the end`,
      },
      {
        name: 'restore of the frame + 20 variables',
        figure: `${round(cold.ms / 1000, 2)} s cold, ${round(warm.ms / 1000, 2)} s warm`,
        baseline: `replay ${round(replayMs / 1000, 2)} s`,
        target: '≤ 3 s',
        verdict: verdict(cold.ms <= 3000 && warm.ms <= 3000),
        notes: `every blob read (${round(cold.bytes / MB, 0)} MiB): in the kernel ${cold.mbPerS} MB/s cold (the checkpoint's pages evicted first), ${warm.mbPerS} MB/s warm, disk read plus unpickling; mapped instead (lazy, the default): ${round(lazy.ms / 1000, 2)} s cold, then the first full pass over the frame ${round(lazy.passMs / 1000, 2)} s (${round(cold.passMs / 1000, 2)} s after a read); times are round trips from Talkbook's side`,
      },
      {
        name: `storage after ${cells} one-variable cells`,
        figure: `${round(ratio, 3)}× the namespace`,
        baseline: `namespace ${round(namespaceBytes / MB, 1)} MiB`,
        target: '≤ 2×',
        verdict: verdict(ratio <= 2),
        notes: `${list.checkpoints.length} checkpoints, ${round((list.totalBytes - namespaceBytes) / cells / 1024, 1)} KiB added per cell (manifest and the changed variable)`,
      },
    ];
  } finally {
    await kernels.shutdownAll();
    await jupyter.close();
    await rm(base, { recursive: true, force: true });
  }
}

/** Restore into a new kernel (reading every blob, or `lazy`: mapping the big ones), then one full pass over the frame. */
async function restoreInFresh(kernels: Kernels, folder: string, id: string, v0: string, lazy: boolean) {
  const session = await kernels.session('restore', 'python3');
  await installCheckpoints(session, { folder });
  let result: Awaited<ReturnType<typeof restoreCheckpoint>> | undefined;
  const ms = await timed(async () => {
    result = await restoreCheckpoint(session, { id, lazy });
  });
  const shape = await run(session, 'print(df.shape, v0["n"], v19["label"])');
  if (shape !== `(6553600, 10) ${v0} item 19\n` || result!.missing.length > 0) throw new Error(`the restored namespace is not right: ${shape}`);
  const passMs = await timed(() => run(session, 'float(df.values.sum())'));
  await kernels.shutdown('restore');
  return { ms, passMs, bytes: result!.bytesRead + result!.bytesMapped, mbPerS: result!.mbPerS };
}

/** Drop the checkpoint folder's pages from the page cache (only those files: posix_fadvise). */
function evictFromPageCache(folder: string): void {
  const code = 'import os, sys\nfor root, _, files in os.walk(sys.argv[1]):\n    for name in files:\n        fd = os.open(os.path.join(root, name), os.O_RDONLY)\n        os.fdatasync(fd)\n        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)\n        os.close(fd)';
  execFileSync('/usr/bin/python3', ['-c', code, folder]);
}

async function save(session: KernelSession, cellId: string, source: string): Promise<SavedCheckpoint> {
  const saved = await saveCheckpoint(session, { cellId, source });
  if (!isSaved(saved)) throw new Error(`checkpoint ${saved.status}: ${saved.message}`);
  return saved;
}

async function run(session: KernelSession, code: string): Promise<string> {
  let printed = '';
  const outcome = await session.execute(code, {
    onEvent: (event) => {
      if (event.kind === 'output' && event.output.output_type === 'stream') printed += event.output.text;
    },
  });
  if (outcome.status !== 'ok') throw new Error(`a benchmark cell failed: ${code.slice(0, 80)}`);
  return printed;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await checkpointBenchmarks();
  for (const result of results) {
    console.log(formatLine(result));
    if (result.notes) console.log(`    ${result.notes}`);
  }
}
