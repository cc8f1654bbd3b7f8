import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';

/**
 * kernel-config/sandbox/kernel_cgroups.py against a fake cgroup tree (plain folders and files),
 * for both layouts: a host has one or the other, so the real one is tested by the integration
 * tests and this checks where each version's groups and limits go.
 */
const sandboxDir = fileURLToPath(new URL('../../../kernel-config/sandbox', import.meta.url));
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'talkbook-cgroups-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function enter(own: string): { groups: string[]; memoryEvents: string | null; oomKills: number; pid: number } {
  const script = `
import json, os, sys
sys.path.insert(0, ${JSON.stringify(sandboxDir)})
import kernel_cgroups
result = kernel_cgroups.enter("kernel-1", 512, 64, root=${JSON.stringify(root)}, own=${JSON.stringify(own)})
print(json.dumps(dict(result, pid=os.getpid())))
`;
  const run = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

it('v1: a group per controller below the server\'s own cgroup, with the limits', async () => {
  for (const controller of ['cpu', 'pids', 'memory']) await mkdir(join(root, controller, 'job', '7'), { recursive: true });
  const own = join(root, 'self-cgroup');
  await writeFile(own, '9:name=systemd:/\n8:pids:/\n4:memory:/job/7\n1:cpu:/\n0::/\n');
  const result = enter(own);
  const memory = join(root, 'memory', 'job', '7', 'talkbook', 'kernel-1');
  expect(result.groups).toEqual([join(root, 'cpu', 'talkbook', 'kernel-1'), join(root, 'pids', 'talkbook', 'kernel-1'), memory]);
  expect(await readFile(join(memory, 'memory.limit_in_bytes'), 'utf8')).toBe(String(512 * 1024 * 1024));
  expect(await readFile(join(root, 'pids', 'talkbook', 'kernel-1', 'pids.max'), 'utf8')).toBe('64');
  expect(await readFile(join(root, 'cpu', 'talkbook', 'cpu.shares'), 'utf8')).toBe('512');
  expect(await readFile(join(memory, 'cgroup.procs'), 'utf8')).toBe(String(result.pid));
  expect(result.memoryEvents).toBe(join(memory, 'memory.oom_control'));
});

it('v2: one group below the server\'s own cgroup, with controllers delegated to it', async () => {
  await mkdir(join(root, 'system.slice', 'talkbook.service'), { recursive: true });
  await writeFile(join(root, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
  const own = join(root, 'self-cgroup');
  await writeFile(own, '0::/system.slice/talkbook.service\n');
  const result = enter(own);
  const base = join(root, 'system.slice', 'talkbook.service');
  const group = join(base, 'talkbook', 'kernel-1');
  expect(result.groups).toEqual([group]);
  expect(await readFile(join(base, 'cgroup.subtree_control'), 'utf8')).toBe('+cpu +pids +memory');
  expect(await readFile(join(base, 'talkbook', 'cgroup.subtree_control'), 'utf8')).toBe('+cpu +pids +memory');
  expect(await readFile(join(base, 'talkbook', 'cpu.weight'), 'utf8')).toBe('50');
  expect(await readFile(join(group, 'memory.max'), 'utf8')).toBe(String(512 * 1024 * 1024));
  expect(await readFile(join(group, 'memory.swap.max'), 'utf8')).toBe('0');
  expect(await readFile(join(group, 'pids.max'), 'utf8')).toBe('64');
  expect(await readFile(join(group, 'cgroup.procs'), 'utf8')).toBe(String(result.pid));
  expect(result.memoryEvents).toBe(join(group, 'memory.events'));
});

it('goes without where there is no cgroup list or mount', async () => {
  expect(enter(join(root, 'missing'))).toMatchObject({ groups: [], memoryEvents: null, oomKills: 0 });
  const own = join(root, 'self-cgroup');
  await writeFile(own, '0::/\n');
  expect(enter(own)).toMatchObject({ groups: [], memoryEvents: null });
  expect(existsSync(join(root, 'talkbook'))).toBe(false);
});
