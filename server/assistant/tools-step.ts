import type { ToolCall } from '../llm/index.ts';
import { abortable, throwIfCancelled } from './abortable.ts';
import { assertNever } from '../protocol/index.ts';
import type { ResultImage } from './describe-bundle.ts';
import { errorMessage } from '../errors.ts';
import { parseRunCodeCall, runCodeTool, UNDO_TOOL, undoTool } from './run-code-tool.ts';
import { imageParts, noteFinish, type StepContext, type StepOutcome } from './step-context.ts';
import { summarizeCodeCell } from './summarize-cell.ts';

/**
 * One step with function calling: stream the reply (text into assistant cells), then run each
 * `run_code` call as an assistant code cell and answer it with a tool message. A malformed call
 * is answered with what was wrong, so the model can correct itself.
 */
export async function toolsStep(step: StepContext): Promise<StepOutcome> {
  const { ctx, messages } = step;
  let replyText = '';
  const calls: ToolCall[] = [];
  let finish = 'stop';
  for await (const event of step.model.stream({ messages, tools: [runCodeTool(step.languageLabel), undoTool()] }, ctx.signal)) {
    switch (event.type) {
      case 'text':
        replyText += event.delta;
        step.text.write(event.delta);
        break;
      case 'tool_call':
        calls.push(event.call);
        break;
      case 'finish':
        finish = event.reason;
        break;
      default:
        assertNever(event);
    }
  }
  throwIfCancelled(ctx.signal);
  if (!calls.length) {
    messages.push({ role: 'assistant', content: replyText });
    noteFinish(ctx, finish, replyText);
    return 'answered';
  }
  messages.push({ role: 'assistant', content: replyText, toolCalls: calls });
  step.text.break();
  const images: ResultImage[] = [];
  for (const call of calls) {
    if (call.name === UNDO_TOOL) {
      const said = await abortable(ctx.undoLastCell(), ctx.signal).catch((error: unknown) => `Error: ${errorMessage(error)}`);
      throwIfCancelled(ctx.signal);
      messages.push({ role: 'tool', toolCallId: call.id, content: said });
      continue;
    }
    const parsed = parseRunCodeCall(call);
    if (!parsed.ok) {
      messages.push({ role: 'tool', toolCallId: call.id, content: `Error: ${parsed.problem}` });
      continue;
    }
    const cell = await abortable(ctx.executeCode(parsed.code, 'assistant'), ctx.signal);
    throwIfCancelled(ctx.signal);
    const summary = summarizeCodeCell(cell, { budget: step.resultBudget });
    messages.push({ role: 'tool', toolCallId: call.id, content: summary.text });
    images.push(...summary.images);
  }
  if (step.vision && images.length) {
    messages.push({
      role: 'user',
      content: [{ type: 'text', text: '[The images the code above produced, for you to look at]' }, ...imageParts(images)],
    });
  }
  return 'ran-code';
}
