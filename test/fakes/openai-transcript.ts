import { z } from 'zod';

/** A request body as the real API would accept it; the fake rejects anything else with 400. */
const contentPart = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('image_url'), image_url: z.object({ url: z.string(), detail: z.string().optional() }) }),
]);

const toolCall = z.object({
  id: z.string().min(1),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

export const fakeMessage = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content: z.string() }),
  z.object({ role: z.literal('developer'), content: z.string() }),
  z.object({ role: z.literal('user'), content: z.union([z.string(), z.array(contentPart)]) }),
  z.object({
    role: z.literal('assistant'),
    content: z.string().nullable().optional(),
    tool_calls: z.array(toolCall).optional(),
  }),
  z.object({ role: z.literal('tool'), tool_call_id: z.string(), content: z.string() }),
]);
export type FakeMessage = z.infer<typeof fakeMessage>;

export const fakeRequestBody = z.object({
  model: z.string().min(1),
  messages: z.array(fakeMessage).min(1),
  stream: z.boolean().optional(),
  tools: z
    .array(
      z.object({
        type: z.literal('function'),
        function: z.object({ name: z.string(), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()) }),
      }),
    )
    .optional(),
});
export type FakeRequestBody = z.infer<typeof fakeRequestBody>;

/**
 * The ordering rules the real API enforces: every tool message answers a tool call of the
 * assistant message before it, and every tool call is answered before anything else follows.
 * Returns the problem, phrased like the API does, or undefined.
 */
export function transcriptProblem(messages: readonly FakeMessage[]): string | undefined {
  let open = new Set<string>();
  for (const [i, message] of messages.entries()) {
    if (message.role === 'tool') {
      if (!open.delete(message.tool_call_id)) {
        return `messages[${i}]: messages with role 'tool' must be a response to a preceeding message with 'tool_calls' (${message.tool_call_id}).`;
      }
      continue;
    }
    if (open.size) {
      return `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`;
    }
    if (message.role === 'assistant') {
      open = new Set(message.tool_calls?.map((call) => call.id));
      if (!message.tool_calls?.length && !message.content) {
        return `messages[${i}]: an assistant message needs content or tool_calls.`;
      }
    }
  }
  return undefined;
}

// ---- helpers for responders ------------------------------------------------------------

export function textOf(message: FakeMessage): string {
  const content = message.content;
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : `[image ${part.image_url.url.slice(0, 30)}…]`)).join('\n');
}

/** The contents of every tool message, in order. */
export function toolResults(body: FakeRequestBody): string[] {
  return body.messages.filter((m) => m.role === 'tool').map(textOf);
}

export function lastToolResult(body: FakeRequestBody): string {
  const results = toolResults(body);
  return results[results.length - 1] ?? '';
}

export function lastUserText(body: FakeRequestBody): string {
  const users = body.messages.filter((m) => m.role === 'user');
  const last = users[users.length - 1];
  return last ? textOf(last) : '';
}

export function systemText(body: FakeRequestBody): string {
  return body.messages.filter((m) => m.role === 'system' || m.role === 'developer').map(textOf).join('\n');
}

/** Everything the model was shown, as one string, to search for history and context. */
export function allText(body: FakeRequestBody): string {
  return body.messages
    .map((m) => {
      const calls = m.role === 'assistant' ? (m.tool_calls ?? []).map((c) => c.function.arguments).join('\n') : '';
      return `${m.role}: ${textOf(m)}${calls ? `\n${calls}` : ''}`;
    })
    .join('\n\n');
}
