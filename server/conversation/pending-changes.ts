import type { Cell } from '../protocol/index.ts';
import type { ConversationChanges } from '../store/store.ts';

/** The changes of one write, and what they were taken at (to forget them once written). */
export interface ChangeSnapshot {
  changes: Omit<ConversationChanges, 'seq'>;
  versions: Map<string, number>;
  removed: string[];
  titleVersion: number;
  /** Every change up to this version is in the snapshot. */
  asOf: number;
}

/**
 * What changed in a conversation since it was last written: which cells (and whether their
 * outputs), which were removed, whether the title. A write takes a snapshot; once it is stored,
 * `written` forgets what the snapshot held — unless it changed again meanwhile.
 */
export class PendingChanges {
  private version = 0;
  private readonly cells = new Map<string, { version: number; outputs: boolean }>();
  private readonly removed = new Set<string>();
  private titleVersion = 0;
  private titleWritten = 0;
  private anyVersion = 0;
  private writtenVersion = 0;

  /** Anything to write. */
  get pending(): boolean {
    return this.anyVersion > this.writtenVersion;
  }

  cell(id: string, outputs: boolean): void {
    const entry = this.cells.get(id);
    this.version += 1;
    if (entry) {
      entry.version = this.version;
      entry.outputs ||= outputs;
    } else this.cells.set(id, { version: this.version, outputs });
    this.removed.delete(id);
    this.anyVersion = this.version;
  }

  remove(id: string): void {
    this.cells.delete(id);
    this.removed.add(id);
    this.anyVersion = ++this.version;
  }

  title(): void {
    this.titleVersion = ++this.version;
    this.anyVersion = this.version;
  }

  /** Something else of the conversation's row changed (its time). */
  touch(): void {
    this.anyVersion = ++this.version;
  }

  snapshot(conversation: { title: string; updatedAt: string; cell(id: string): Cell | undefined; position(id: string): number }): ChangeSnapshot {
    const versions = new Map<string, number>();
    const cells: ConversationChanges['cells'] = [];
    for (const [id, entry] of this.cells) {
      const cell = conversation.cell(id);
      if (!cell) continue;
      versions.set(id, entry.version);
      cells.push({ cell, position: conversation.position(id), outputsChanged: entry.outputs });
    }
    const removed = [...this.removed];
    return {
      changes: { title: conversation.title, titleChanged: this.titleVersion > this.titleWritten, updatedAt: conversation.updatedAt, cells, removed },
      versions,
      removed,
      titleVersion: this.titleVersion,
      asOf: this.version,
    };
  }

  /** The snapshot is stored: forget what it held that did not change since. */
  written(snapshot: ChangeSnapshot): void {
    for (const [id, version] of snapshot.versions) {
      if (this.cells.get(id)?.version === version) this.cells.delete(id);
    }
    for (const id of snapshot.removed) this.removed.delete(id);
    this.titleWritten = Math.max(this.titleWritten, snapshot.titleVersion);
    this.writtenVersion = Math.max(this.writtenVersion, snapshot.asOf);
  }
}
