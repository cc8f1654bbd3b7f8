/** Runs tasks one at a time, in the order they were added. */
export class TurnQueue {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  get size(): number {
    return this.pending;
  }

  add(task: () => Promise<void>): Promise<void> {
    this.pending += 1;
    const run = this.tail.then(task).finally(() => {
      this.pending -= 1;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves when everything queued so far has finished. */
  idle(): Promise<void> {
    return this.tail;
  }
}
