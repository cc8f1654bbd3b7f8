import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { kernelDeathReason, oomKills } from '../../../server/jupyter/kernel-death.ts';

it('reads the OOM-kill count of a v1 memory.oom_control and a v2 memory.events', () => {
  expect(oomKills('oom_kill_disable 0\nunder_oom 0\noom_kill 3\n')).toBe(3);
  expect(oomKills('low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n')).toBe(2);
  expect(oomKills('')).toBe(0);
});

it('has no reason for a kernel without a sandbox record, or one whose record is not trustworthy', async () => {
  const rt = await mkdtemp(join(tmpdir(), 'talkbook-death-'));
  try {
    const id = '0a1b2c3d-0000-4000-8000-000000000000';
    expect(await kernelDeathReason(rt, id)).toBeUndefined();
    // A record pointing outside /sys/fs/cgroup is refused, whatever the exit status says.
    await writeFile(join(rt, `kernel-${id}.sandbox`), JSON.stringify({ memoryMb: 512, groups: [], memoryEvents: '/etc/passwd', oomKillsAtStart: 0 }));
    await writeFile(join(rt, `kernel-${id}.exit`), '{ "exit-code": 137 }\n');
    expect(await kernelDeathReason(rt, id)).toBeUndefined();
    expect(await kernelDeathReason(rt, '../../etc/passwd')).toBeUndefined();
  } finally {
    await rm(rt, { recursive: true, force: true });
  }
});
