import type { TurnContext } from '../conversation/turn-context.ts';
import type { ChatMessage, ChatModel } from '../llm/index.ts';
import { abortable, throwIfCancelled } from './abortable.ts';
import { assertNever } from '../protocol/index.ts';
import { AssistantText } from './assistant-text.ts';
import { fencedStep } from './fenced-step.ts';
import { gatherContext } from './gather-context.ts';
import { historyMessages } from './history-messages.ts';
import { fenceLanguage, languageLabel } from './kernel-language.ts';
import type { StepContext, StepOutcome } from './step-context.ts';
import { buildSystemPrompt, type ToolMode } from './system-prompt.ts';
import { toolsStep } from './tools-step.ts';

export interface LoopOptions {
  model: ChatModel;
  maxSteps: number;
  toolMode: ToolMode;
  vision: boolean;
  /** Characters of one cell's result the model gets back. Default 8,000. */
  resultBudget?: number;
}

/**
 * The rest of an `ask` once the person's message is a cell: gather the kernel's context, then
 * call the model, run the code it asks for, and repeat until it answers or `maxSteps` calls
 * were made (then say so in the conversation).
 */
export async function runAssistantLoop(ctx: TurnContext, options: LoopOptions): Promise<void> {
  const history = [...ctx.cells()];
  const context = await abortable(gatherContext(ctx), ctx.signal);
  throwIfCancelled(ctx.signal);
  const fence = fenceLanguage(context.kernel);
  const messages: ChatMessage[] = [
    { role: 'system', content: buildSystemPrompt({ context, toolMode: options.toolMode, vision: options.vision }) },
    ...historyMessages(history, { fenceTag: fence.tag, toolMode: options.toolMode }),
  ];
  const step: StepContext = {
    ctx,
    model: options.model,
    messages,
    text: new AssistantText(ctx),
    fence,
    languageLabel: languageLabel(context.kernel),
    vision: options.vision,
    resultBudget: options.resultBudget ?? 8_000,
  };
  for (let n = 1; n <= options.maxSteps; n++) {
    step.text.break();
    if ((await runStep(step, options.toolMode)) === 'answered') return;
  }
  ctx.addNotice(
    'warning',
    `The assistant stopped after ${options.maxSteps} model ${options.maxSteps === 1 ? 'call' : 'calls'} without a final answer ` +
      `(the step limit). Ask it to continue, or raise TALKBOOK_MAX_STEPS (now ${options.maxSteps}).`,
  );
}

function runStep(step: StepContext, toolMode: ToolMode): Promise<StepOutcome> {
  switch (toolMode) {
    case 'tools':
      return toolsStep(step);
    case 'fenced':
      return fencedStep(step);
    default:
      return assertNever(toolMode);
  }
}
