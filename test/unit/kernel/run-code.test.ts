import { describe, expect, it } from 'vitest';
import type { ExecuteOptions, ExecuteOutcome } from '../../../server/kernel/kernel-session.ts';
import { runCode, type RunResult } from '../../../server/kernel/run-code.ts';

/** A kernel stand-in: emits `events`, then answers `outcome` after `delayMs` (never, if undefined). */
function fakeSession(script: { outcome?: ExecuteOutcome; delayMs?: number; errorName?: string; answerInterrupt?: ExecuteOutcome }) {
  let answer: ((outcome: ExecuteOutcome) => void) | undefined;
  let interrupts = 0;
  return {
    get interrupts() {
      return interrupts;
    },
    execute(_code: string, options: ExecuteOptions = {}) {
      if (script.errorName) {
        options.onEvent?.({ kind: 'output', output: { output_type: 'error', ename: script.errorName, evalue: 'why', traceback: [] } });
      }
      return new Promise<ExecuteOutcome>((resolve) => {
        answer = resolve;
        if (script.outcome) setTimeout(() => resolve(script.outcome!), script.delayMs ?? 0);
      });
    },
    async interrupt() {
      interrupts += 1;
      if (script.answerInterrupt) answer?.(script.answerInterrupt);
    },
  };
}

const run = (session: ReturnType<typeof fakeSession>, options: { abortAfterMs?: number; timeoutMs?: number } = {}) => {
  const controller = new AbortController();
  if (options.abortAfterMs !== undefined) setTimeout(() => controller.abort(), options.abortAfterMs);
  return runCode(session, 'code', { signal: controller.signal, timeoutMs: options.timeoutMs ?? 5000, graceMs: 50 });
};

describe('runCode decides how a run ended', () => {
  it.each<[string, Parameters<typeof fakeSession>[0], Partial<RunResult>]>([
    ['ok', { outcome: { status: 'ok', executionCount: 3 } }, { status: 'ok', executionCount: 3 }],
    ['a kernel error is an error with its first error output', { outcome: { status: 'error', executionCount: 4 }, errorName: 'NameError' }, { status: 'error', error: { ename: 'NameError', evalue: 'why' } }],
    ['KeyboardInterrupt is an interrupt', { outcome: { status: 'error', executionCount: 4 }, errorName: 'KeyboardInterrupt' }, { status: 'interrupted' }],
    ["IRkernel's abort is an interrupt", { outcome: { status: 'aborted', executionCount: null } }, { status: 'interrupted' }],
    ['a dead kernel is an error with the reason', { outcome: { status: 'died', executionCount: null, reason: 'The kernel died.' } }, { status: 'error', failure: 'The kernel died.' }],
  ])('%s', async (_name, script, expected) => {
    expect(await run(fakeSession(script))).toMatchObject(expected);
  });

  it('interrupts at the time limit and says so', async () => {
    const session = fakeSession({ answerInterrupt: { status: 'error', executionCount: 5 } });
    const result = await run(session, { timeoutMs: 30 });
    expect(result).toMatchObject({ status: 'interrupted', stop: 'timeout', failure: expect.stringContaining('TALKBOOK_CELL_TIMEOUT_S') });
    expect(session.interrupts).toBe(1);
  });

  it('interrupts on cancel; a kernel that does not stop is said to maybe still run', async () => {
    const stops = fakeSession({ answerInterrupt: { status: 'error', executionCount: 5 } });
    expect(await run(stops, { abortAfterMs: 10 })).toMatchObject({ status: 'interrupted', stop: 'cancelled' });
    const stuck = fakeSession({});
    const result = await run(stuck, { abortAfterMs: 10 });
    expect(result).toMatchObject({ status: 'interrupted', stop: 'cancelled', failure: expect.stringContaining('may still be running') });
  });
});
