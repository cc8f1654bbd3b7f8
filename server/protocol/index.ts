export * from './outputs.ts';
export * from './cells.ts';
export * from './frames.ts';
export * from './api.ts';
export { appendStreamChunk, appendStreamText, type StreamText } from './stream-text.ts';
