import { readFile, writeFile } from 'node:fs/promises';
import type { MachineInfo } from './machine-info.ts';
import type { BenchResult } from './result.ts';

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The generated part of docs/performance.md: the machine and one table row per benchmark. */
export function resultsMarkdown(results: BenchResult[], machine: MachineInfo, durationS: number): string {
  const rows = results.map((r) => `| ${cell(r.name)} | ${cell(r.figure)} | ${cell(r.baseline)} | ${cell(r.target)} | ${r.verdict} | ${cell(r.notes ?? '')} |`);
  return [
    START,
    `Last run: ${machine.date}, ${Math.round(durationS)} s in all, on ${machine.cores} × ${machine.cpu}, ${machine.memoryGiB} GiB, ${machine.kernel};`,
    `${machine.node}, ${machine.python}, ${machine.jupyter}. Load average when it started: ${machine.loadAtStart}.`,
    '',
    '| benchmark | figure | baseline (same run) | target | verdict | notes |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    END,
  ].join('\n');
}

/** Replace the generated section of `path` (between the markers), keeping the prose around it. */
export async function writeReport(path: string, section: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    text = `# Performance\n\n${START}\n${END}\n`;
  }
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  const next = start >= 0 && end > start ? text.slice(0, start) + section + text.slice(end + END.length) : `${text.trimEnd()}\n\n${section}\n`;
  await writeFile(path, next);
}
