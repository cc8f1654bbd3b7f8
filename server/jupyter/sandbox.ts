import { spawnSync } from 'node:child_process';
import type { Logger } from '../log.ts';

export interface SandboxSettings {
  enabled: boolean;
  network: boolean;
  memoryMb: number;
  maxProcs: number;
  /** Size of each kernel's /tmp. */
  tmpMb: number;
  /** Workspace quota (0: none). */
  workspaceMb: number;
}

export interface SandboxOptions {
  mode: 'auto' | 'off';
  network: boolean;
  memoryMb: number;
  maxProcs: number;
  tmpMb: number;
  workspaceMb: number;
}

/**
 * Decide whether kernels run in bubblewrap: try the same namespaces the launcher uses. Where
 * bubblewrap cannot run, say loudly that kernels are not sandboxed.
 */
export function resolveSandbox(options: SandboxOptions, log: Logger): SandboxSettings {
  const base = {
    network: options.network,
    memoryMb: options.memoryMb,
    maxProcs: options.maxProcs,
    tmpMb: options.tmpMb,
    workspaceMb: options.workspaceMb,
  };
  if (options.mode === 'off') {
    log.warn('TALKBOOK_SANDBOX=off: kernels are NOT sandboxed; model-written code runs with this server\'s user and network.');
    return { enabled: false, ...base };
  }
  const probe = bwrapWorks();
  if (!probe.ok) {
    log.error(
      '\n!!! bubblewrap cannot run here, so kernels are NOT sandboxed: model-written code can use the network and ' +
        `everything this user can read. Install bubblewrap (apt-get install bubblewrap) and allow user namespaces. (${probe.reason})\n`,
    );
    return { enabled: false, ...base };
  }
  if (!seccompAvailable()) {
    log.warn('python3-seccomp is not installed (apt-get install python3-seccomp): kernels run without their seccomp filter.');
  }
  return { enabled: true, ...base };
}

/** The launcher (run by /usr/bin/python3, see kernel-config/kernels) builds its filter with libseccomp. */
function seccompAvailable(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import seccomp'], { timeout: 10_000 }).status === 0;
}

function bwrapWorks(): { ok: true } | { ok: false; reason: string } {
  const prefix = process.getuid?.() === 0 ? ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--no-new-privs', '--'] : [];
  const argv = [
    ...prefix,
    '/usr/bin/bwrap', '--unshare-all', '--die-with-parent',
    '--ro-bind', '/usr', '/usr', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--symlink', 'usr/bin', '/bin',
    '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--', '/usr/bin/true',
  ];
  const result = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 10_000 });
  if (result.error) return { ok: false, reason: result.error.message };
  if (result.status !== 0) return { ok: false, reason: (result.stderr || `exit ${result.status}`).trim().slice(0, 300) };
  return { ok: true };
}
