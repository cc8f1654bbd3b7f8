import type { FenceLanguage } from './kernel-language.ts';

/** A piece of a streamed reply: prose, or a complete fenced block to run. */
export type ReplySegment = { type: 'text'; text: string } | { type: 'code'; code: string };

const OPENING = /^ {0,3}(`{3,}|~{3,})\s*([^\s`{]*)[^`]*$/;

/**
 * Splits a streamed Markdown reply into prose and runnable fenced blocks, as the text arrives.
 * Prose is released as soon as it cannot start a fence (so it streams smoothly); a block is
 * released whole when its closing fence arrives. Fences in other languages stay prose. Pure.
 */
export class FenceSplitter {
  private pending = ''; // the current, incomplete line
  private midLine = false; // the start of the current line was already released as prose
  private block: { fence: string; indent: number; lines: string[]; runnable: boolean; opening: string } | undefined;

  constructor(private readonly language: FenceLanguage) {}

  push(delta: string): ReplySegment[] {
    const out: ReplySegment[] = [];
    this.pending += delta;
    let newline: number;
    while ((newline = this.pending.indexOf('\n')) !== -1) {
      const line = this.pending.slice(0, newline);
      this.pending = this.pending.slice(newline + 1);
      this.line(line, out);
      this.midLine = false;
    }
    // Release an incomplete prose line unless it may still become a fence.
    if (!this.block && this.pending && !/^ {0,3}(`{1,}|~{1,})?$/.test(this.pending) && !OPENING.test(this.pending)) {
      emitText(out, this.pending);
      this.pending = '';
      this.midLine = true;
    }
    return out;
  }

  /** Flushes the rest. An unclosed runnable block still runs (models often omit the last fence). */
  end(): ReplySegment[] {
    const out: ReplySegment[] = [];
    if (this.pending) {
      const rest = this.pending;
      this.pending = '';
      this.line(rest, out, true);
    }
    if (this.block) {
      const block = this.block;
      this.block = undefined;
      if (block.runnable && block.lines.join('').trim()) out.push({ type: 'code', code: block.lines.join('\n') });
      else if (!block.runnable) emitText(out, [block.opening, ...block.lines].join('\n'));
    }
    return out;
  }

  private line(line: string, out: ReplySegment[], last = false): void {
    const nl = last ? '' : '\n';
    const block = this.block;
    if (block) {
      const closing = line.trim();
      if (closing.length >= block.fence.length && closing === block.fence[0]!.repeat(closing.length)) {
        this.block = undefined;
        if (block.runnable) {
          if (block.lines.join('').trim()) out.push({ type: 'code', code: block.lines.join('\n') });
        } else {
          emitText(out, [block.opening, ...block.lines, line].join('\n') + nl);
        }
        return;
      }
      block.lines.push(block.indent ? line.replace(new RegExp(`^ {0,${block.indent}}`), '') : line);
      return;
    }
    const match = this.midLine ? null : OPENING.exec(line);
    if (match) {
      const tag = match[2]!.toLowerCase();
      const runnable = tag === '' ? this.language.untaggedRuns : this.language.runnableTags.has(tag);
      this.block = { fence: match[1]!, indent: line.length - line.trimStart().length, lines: [], runnable, opening: line };
      return;
    }
    emitText(out, line + nl);
  }
}

/** All runnable blocks of a whole reply, in order. */
export function extractFencedCode(reply: string, language: FenceLanguage): string[] {
  const splitter = new FenceSplitter(language);
  return [...splitter.push(reply), ...splitter.end()]
    .filter((segment): segment is { type: 'code'; code: string } => segment.type === 'code')
    .map((segment) => segment.code);
}

function emitText(out: ReplySegment[], text: string): void {
  const previous = out[out.length - 1];
  if (previous?.type === 'text') previous.text += text;
  else out.push({ type: 'text', text });
}
