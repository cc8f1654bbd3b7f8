import { z } from 'zod';

/** The page that hosts untrusted outputs (client/public/frame.html). */
export const FRAME_URL = '/frame.html';

/** Parent → frame: the markup to show. */
export const RENDER_MESSAGE = 'talkbook:render';

/** What a sandboxed frame may say to the page: it is ready for markup, or its content height. */
export const frameMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('talkbook:frame-ready') }),
  z.object({ type: z.literal('talkbook:frame-height'), height: z.number().finite().min(0) }),
]);
export type FrameMessage = z.infer<typeof frameMessage>;

type Listener = (message: FrameMessage) => void;
const listeners = new Map<MessageEventSource, Listener>();

function onMessage(event: MessageEvent) {
  // Only a frame this page created may talk to it, and only in the shapes above.
  const listener = event.source ? listeners.get(event.source) : undefined;
  if (!listener) return;
  const parsed = frameMessage.safeParse(event.data);
  if (parsed.success) listener(parsed.data);
}

/** Follows what one sandboxed frame reports; returns the unsubscribe function. */
export function listenToFrame(frame: Window, listener: Listener): () => void {
  if (listeners.size === 0) window.addEventListener('message', onMessage);
  listeners.set(frame, listener);
  return () => {
    listeners.delete(frame);
    if (listeners.size === 0) window.removeEventListener('message', onMessage);
  };
}
