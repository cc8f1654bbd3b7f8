import type { ContentPart } from '../llm/index.ts';
import { abortable, throwIfCancelled } from './abortable.ts';
import { assertNever } from '../protocol/index.ts';
import type { ResultImage } from './describe-bundle.ts';
import { FenceSplitter, type ReplySegment } from './fence-splitter.ts';
import { imageParts, noteFinish, type StepContext, type StepOutcome } from './step-context.ts';
import { summarizeCodeCell } from './summarize-cell.ts';

/**
 * One step for models without tool calling: stream the reply, running each fenced block in the
 * kernel's language as an assistant code cell as soon as it closes (so prose and cells appear
 * in the order the model wrote them), then send all outputs back in one user message.
 */
export async function fencedStep(step: StepContext): Promise<StepOutcome> {
  const { ctx, messages } = step;
  const splitter = new FenceSplitter(step.fence);
  const results: string[] = [];
  const images: ResultImage[] = [];
  let replyText = '';
  let finish = 'stop';

  const handle = async (segments: ReplySegment[]) => {
    for (const segment of segments) {
      switch (segment.type) {
        case 'text':
          step.text.write(segment.text);
          break;
        case 'code': {
          step.text.break();
          const cell = await abortable(ctx.executeCode(segment.code, 'assistant'), ctx.signal);
          throwIfCancelled(ctx.signal);
          const summary = summarizeCodeCell(cell, { budget: step.resultBudget });
          results.push(summary.text);
          images.push(...summary.images);
          break;
        }
        default:
          assertNever(segment);
      }
    }
  };

  for await (const event of step.model.stream({ messages }, ctx.signal)) {
    switch (event.type) {
      case 'text':
        replyText += event.delta;
        await handle(splitter.push(event.delta));
        break;
      case 'tool_call':
        break; // none were offered; a server that sends one anyway is ignored
      case 'finish':
        finish = event.reason;
        break;
      default:
        assertNever(event);
    }
  }
  await handle(splitter.end());
  throwIfCancelled(ctx.signal);
  messages.push({ role: 'assistant', content: replyText });
  if (!results.length) {
    noteFinish(ctx, finish, replyText);
    return 'answered';
  }
  step.text.break();
  const report = results
    .map((result, i) => (results.length === 1 ? `[Output of your code]\n${result}` : `[Output of code block ${i + 1}]\n${result}`))
    .join('\n\n');
  const text = `${report}\n\nContinue: run more code if you need to, or answer the person without code blocks.`;
  const content: string | ContentPart[] =
    step.vision && images.length ? [{ type: 'text', text }, ...imageParts(images)] : text;
  messages.push({ role: 'user', content });
  return 'ran-code';
}
