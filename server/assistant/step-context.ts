import type { TurnContext } from '../conversation/turn-context.ts';
import type { ChatMessage, ChatModel, ContentPart, FinishReason } from '../llm/index.ts';
import type { AssistantText } from './assistant-text.ts';
import type { ResultImage } from './describe-bundle.ts';
import type { FenceLanguage } from './kernel-language.ts';

/** What one step of the loop (one model call, then the code it asked for) works with. */
export interface StepContext {
  ctx: TurnContext;
  model: ChatModel;
  /** The transcript sent to the model; a step appends its reply and the results. */
  messages: ChatMessage[];
  text: AssistantText;
  fence: FenceLanguage;
  languageLabel: string;
  vision: boolean;
  /** Characters of one cell's result the model gets back. */
  resultBudget: number;
}

/** `answered`: the model replied without asking to run code; the turn is over. */
export type StepOutcome = 'answered' | 'ran-code';

/** Says in the conversation when a final reply ended oddly (empty, cut off, filtered). */
export function noteFinish(ctx: TurnContext, reason: FinishReason, replyText: string): void {
  if (reason === 'length') {
    ctx.addNotice('warning', "The model's reply was cut off at its output-token limit.");
  } else if (reason === 'content_filter') {
    ctx.addNotice('warning', "The model provider's content filter stopped the reply.");
  } else if (!replyText.trim()) {
    ctx.addNotice('warning', 'The model returned an empty reply. Ask again, or check that TALKBOOK_MODEL is a chat model.');
  }
}

/** Image parts for a vision model (data URLs); tool messages cannot carry images. */
export function imageParts(images: readonly ResultImage[]): ContentPart[] {
  return images.map((image) => ({ type: 'image', url: `data:${image.mimeType};base64,${image.base64}` }));
}
