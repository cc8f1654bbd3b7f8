/** One line of `npm run bench`: a figure, what it is compared with, the target, and the verdict. */
export interface BenchResult {
  name: string;
  /** The measured figure, with units (e.g. "median 4.1 ms"). */
  figure: string;
  /** What it is compared with, measured in the same run ("—" when there is none). */
  baseline: string;
  /** The target from issue 7 (e.g. "ratio ≤ 1.2"). */
  target: string;
  /** Met, missed, or informational (no target). */
  verdict: 'pass' | 'FAIL' | 'info';
  /** Further facts for the report (ratios, components, sample counts). */
  notes?: string;
}

export function verdict(ok: boolean): 'pass' | 'FAIL' {
  return ok ? 'pass' : 'FAIL';
}

/** A result for a benchmark that could not run, with the reason. */
export function skipped(name: string, target: string, reason: string): BenchResult {
  return { name, figure: 'not measured', baseline: '—', target, verdict: 'FAIL', notes: reason };
}

export function formatLine(result: BenchResult): string {
  return [
    result.name.padEnd(34),
    result.figure.padEnd(34),
    `baseline: ${result.baseline}`.padEnd(44),
    `target: ${result.target}`.padEnd(30),
    result.verdict,
  ].join(' ');
}
