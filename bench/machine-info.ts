import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';

export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  python: string;
  jupyter: string;
  /** 1-minute load average when the run started (other work on the machine skews figures). */
  loadAtStart: number;
}

export function machineInfo(python = '/usr/bin/python3'): MachineInfo {
  const versions = (() => {
    try {
      return execFileSync(python, ['-c', 'import sys, jupyter_server, jupyter_client, ipykernel; print(sys.version.split()[0], jupyter_server.__version__, jupyter_client.__version__, ipykernel.__version__)'], { encoding: 'utf8' })
        .trim()
        .split(' ');
    } catch {
      return ['?', '?', '?', '?'];
    }
  })();
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: `Linux ${release()}`,
    node: process.version,
    python: `Python ${versions[0]}`,
    jupyter: `jupyter_server ${versions[1]}, jupyter_client ${versions[2]}, ipykernel ${versions[3]}`,
    loadAtStart: Math.round(loadavg()[0]! * 100) / 100,
  };
}
