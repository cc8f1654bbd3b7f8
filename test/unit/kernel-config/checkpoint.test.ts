import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The checkpoint engine's own tests (kernel-config/startup/talkbook_checkpoint), in Python:
 * an IPython shell in the test process runs cells, the engine saves and restores them.
 */
const folder = join(import.meta.dirname, 'checkpoint');

function unittest(module: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      '/usr/bin/python3',
      ['-W', 'ignore::ResourceWarning', '-m', 'unittest', '-v', module],
      { cwd: folder, env: { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1', HOME: process.env.HOME ?? '/tmp' }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

describe('the checkpoint engine (Python)', () => {
  for (const module of ['test_names', 'test_graph', 'test_engine', 'test_workspace', 'test_transfer']) {
    it(module, async () => {
      const { code, output } = await unittest(module);
      expect(output).toMatch(/\nOK/);
      expect(code, output).toBe(0);
    }, 120_000);
  }
});
