export * from './outputs.ts';
export * from './cells.ts';
export * from './frames.ts';
export * from './api.ts';
export { appendStreamText } from './stream-text.ts';
