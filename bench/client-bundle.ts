import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { skipped, verdict, type BenchResult } from './result.ts';
import { round } from './stats.ts';

const dist = join(import.meta.dirname, '..', 'client', 'dist');

/** JavaScript the first page load fetches (the entry script and its modulepreloads), gzipped. */
export async function clientBundle(): Promise<BenchResult> {
  const name = 'client first load (gzipped JS)';
  const target = '≤ 300 KB';
  if (!existsSync(join(dist, 'index.html'))) return skipped(name, target, 'client/dist is not built (npm run build)');
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  const scripts = new Set([...html.matchAll(/<(?:script|link)\b[^>]*(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1]!));
  let gzipped = 0;
  let raw = 0;
  for (const path of scripts) {
    const bytes = await readFile(join(dist, path));
    raw += bytes.length;
    gzipped += gzipSync(bytes, { level: 9 }).length;
  }
  return {
    name,
    figure: `${round(gzipped / 1000)} KB`,
    baseline: '—',
    target,
    verdict: verdict(gzipped <= 300_000),
    notes: `${scripts.size} script(s) loaded up front, ${round(raw / 1000)} KB before gzip; lazily loaded chunks not counted`,
  };
}
