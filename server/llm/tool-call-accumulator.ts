import { randomUUID } from 'node:crypto';
import type { ToolCall } from './chat-types.ts';
import type { ToolCallDelta } from './chunk-schema.ts';

/**
 * Joins streamed tool-call fragments into whole calls. The real API sends `index`, `id` and
 * `function.name` in the first fragment of each call and the arguments in pieces after it;
 * some servers send a whole call in one fragment, or omit `index` or `id`.
 */
export class ToolCallAccumulator {
  private readonly calls = new Map<number, { id?: string; name: string; arguments: string }>();

  add(deltas: readonly ToolCallDelta[]): void {
    deltas.forEach((delta, position) => {
      const index = delta.index ?? position;
      const call = this.calls.get(index) ?? { name: '', arguments: '' };
      if (delta.id) call.id = delta.id;
      // The name comes once; some servers repeat it in every fragment, so do not double it.
      const name = delta.function?.name;
      if (name && name !== call.name) call.name += name;
      if (delta.function?.arguments) call.arguments += delta.function.arguments;
      this.calls.set(index, call);
    });
  }

  /** The complete calls in index order; a missing id gets a generated one. */
  finish(): ToolCall[] {
    return [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, call]) => ({
        id: call.id ?? `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
        name: call.name,
        arguments: call.arguments,
      }));
  }
}
