import type { TurnContext } from '../conversation/turn-context.ts';

/**
 * Streams prose into assistant cells. A cell is created at the first visible character, so
 * whitespace-only replies leave no empty cells; `break()` makes the next prose start a new
 * cell (after a code cell, for instance).
 */
export class AssistantText {
  private cellId: string | undefined;
  private leading = '';

  constructor(private readonly ctx: TurnContext) {}

  write(delta: string): void {
    if (!delta) return;
    if (this.cellId === undefined) {
      this.leading += delta;
      if (!this.leading.trim()) return;
      this.cellId = this.ctx.addAssistantCell().id;
      delta = this.leading.trimStart();
      this.leading = '';
    }
    this.ctx.appendAssistantText(this.cellId, delta);
  }

  break(): void {
    this.cellId = undefined;
    this.leading = '';
  }
}
