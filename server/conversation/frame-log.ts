import type { ServerFrame } from '../protocol/index.ts';

export interface LoggedFrame {
  seq: number;
  frame: ServerFrame;
  /** Serialized once, sent to every socket as is. */
  json: string;
}

export interface FrameLogOptions {
  /** Keep at most this many frames (default 20 000). */
  maxFrames?: number;
  /** And at most this many bytes of JSON (default 64 MiB). */
  maxBytes?: number;
}

/**
 * The recent frames of one conversation, for `resume`. Old frames fall off the front; a
 * client that asks for frames older than what is left gets a `reset` instead.
 */
export class FrameLog {
  private frames: LoggedFrame[] = [];
  private head = 0;
  private bytes = 0;
  private readonly maxFrames: number;
  private readonly maxBytes: number;

  constructor(options: FrameLogOptions = {}) {
    this.maxFrames = options.maxFrames ?? 20_000;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  }

  push(entry: LoggedFrame): void {
    this.frames.push(entry);
    this.bytes += entry.json.length;
    while (this.frames.length - this.head > this.maxFrames || (this.bytes > this.maxBytes && this.frames.length - this.head > 1)) {
      this.bytes -= this.frames[this.head]!.json.length;
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.head);
      this.head = 0;
    }
  }

  /** Frames with `seq > after`, oldest first; `undefined` when some of them are gone. */
  after(after: number, lastSeq: number): LoggedFrame[] | undefined {
    if (after >= lastSeq) return [];
    const oldest = this.frames[this.head];
    if (!oldest || oldest.seq > after + 1) return undefined;
    // seq values are consecutive inside the log.
    const start = this.head + (after + 1 - oldest.seq);
    return this.frames.slice(start);
  }

  /** The entry holding `seq`, if still kept. */
  at(seq: number): LoggedFrame | undefined {
    const oldest = this.frames[this.head];
    if (!oldest) return undefined;
    return this.frames[this.head + (seq - oldest.seq)];
  }
}
