/** A one-shot timer that can stand still: `pause` keeps what is left, `resume` runs it on. */
export class PausableTimer {
  private left: number;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private onFire: (() => void) | undefined;
  private paused = 0;

  constructor(ms: number) {
    this.left = ms;
  }

  start(onFire: () => void): void {
    this.onFire = onFire;
    if (this.paused === 0) this.arm();
  }

  /** Prompts can overlap (two tabs, nested input()): the clock runs again when the last is answered. */
  pause(): void {
    if (this.paused++ > 0 || !this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.left = Math.max(0, this.left - (Date.now() - this.startedAt));
  }

  resume(): void {
    if (this.paused === 0 || --this.paused > 0) return;
    if (this.onFire) this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.onFire = undefined;
  }

  private arm(): void {
    this.startedAt = Date.now();
    this.timer = setTimeout(() => this.onFire?.(), this.left);
    this.timer.unref();
  }
}
