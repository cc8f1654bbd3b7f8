/** Failed sign-ins allowed per name (and per client address) within the window, before a wait. */
export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MS = 15 * 60 * 1000;

interface Record_ {
  failures: number[];
}

/**
 * Repeated failed sign-ins: after `MAX_FAILURES` within the window for one username, or for one
 * client address, further attempts wait (429 with `Retry-After`) until the oldest failure ages
 * out. In memory, per server: a restart forgets, several servers each count their own.
 */
export class SignInLimiter {
  private readonly records = new Map<string, Record_>();
  private readonly now: () => number;
  private readonly maxFailures: number;
  private readonly windowMs: number;

  constructor(options: { now?: () => number; maxFailures?: number; windowMs?: number } = {}) {
    this.now = options.now ?? Date.now;
    this.maxFailures = options.maxFailures ?? MAX_FAILURES;
    this.windowMs = options.windowMs ?? FAILURE_WINDOW_MS;
  }

  /** Seconds to wait before trying again, or 0. */
  retryAfterS(keys: string[]): number {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      const record = this.fresh(key, now);
      if (record && record.failures.length >= this.maxFailures) wait = Math.max(wait, record.failures[0]! + this.windowMs - now);
    }
    return Math.ceil(wait / 1000);
  }

  fail(keys: string[]): void {
    const now = this.now();
    for (const key of keys) {
      const record = this.fresh(key, now) ?? { failures: [] };
      record.failures.push(now);
      this.records.set(key, record);
    }
    if (this.records.size > 10_000) for (const key of [...this.records.keys()].slice(0, 1000)) this.records.delete(key);
  }

  succeed(keys: string[]): void {
    for (const key of keys) this.records.delete(key);
  }

  private fresh(key: string, now: number): Record_ | undefined {
    const record = this.records.get(key);
    if (!record) return undefined;
    record.failures = record.failures.filter((at) => now - at < this.windowMs);
    if (!record.failures.length) {
      this.records.delete(key);
      return undefined;
    }
    return record;
  }
}
