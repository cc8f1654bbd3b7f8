export * from './outputs.ts';
export * from './cells.ts';
export * from './frames.ts';
export * from './api.ts';
export * from './mime-types.ts';
export { appendStreamChunk, EMPTY_STREAM, streamText, type StreamText } from './stream-text.ts';
export { appendOutput, clearOutput, countDisplay, displayIdOf, outputWeight, updateDisplay, type OutputArea } from './output-model.ts';
export { assertNever } from './assert-never.ts';
export { jsonDepthWithin, jsonTextDepthWithin, MAX_JSON_DEPTH } from './json-depth.ts';
