import { readdir, readFile } from 'node:fs/promises';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** The command line, arguments joined by spaces. */
  command: string;
  /** User + system CPU time so far, in milliseconds. */
  cpuMs: number;
}

const ticksPerSecond = 100;

/** Every process below `root` (not `root` itself), from /proc. */
export async function descendants(root: number): Promise<ProcessInfo[]> {
  const all = await allProcesses();
  const found: ProcessInfo[] = [];
  let frontier = new Set([root]);
  while (frontier.size) {
    const next = all.filter((p) => frontier.has(p.ppid));
    found.push(...next);
    frontier = new Set(next.map((p) => p.pid));
  }
  return found;
}

export async function processInfo(pid: number): Promise<ProcessInfo | undefined> {
  return (await read(pid)) ?? undefined;
}

/** Proportional set size (shared pages divided among their users), in bytes. */
export async function pssBytes(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/^Pss:\s+(\d+) kB/m.exec(text)![1]) * 1024;
}

export async function rssBytes(pid: number): Promise<number> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(text)![1]) * 1024;
}

async function allProcesses(): Promise<ProcessInfo[]> {
  const entries = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const infos = await Promise.all(entries.map((name) => read(Number(name))));
  return infos.filter((info): info is ProcessInfo => info !== undefined);
}

async function read(pid: number): Promise<ProcessInfo | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ').trim();
    // Fields after the command: state(0) ppid(1) … utime(11) stime(12).
    const cpuTicks = Number(fields[11]) + Number(fields[12]);
    return { pid, ppid: Number(fields[1]), command, cpuMs: (cpuTicks * 1000) / ticksPerSecond };
  } catch {
    return undefined;
  }
}
