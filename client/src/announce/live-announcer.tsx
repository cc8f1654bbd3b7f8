import { useEffect, useRef, useState } from 'react';
import type { Cell } from '../protocol.ts';
import { announcements } from './announcements.ts';

/**
 * A polite live region that says when a cell finished and what the assistant answered, once
 * the answer is complete (see `announcements`). Visually hidden; nothing is said on load.
 */
export function LiveAnnouncer({ cells, busy }: { cells: readonly Cell[]; busy: boolean }) {
  const previous = useRef<{ cells: readonly Cell[]; busy: boolean } | undefined>(undefined);
  const turnStart = useRef<readonly Cell[] | undefined>(undefined);
  const [message, setMessage] = useState({ text: '', key: 0 });

  useEffect(() => {
    const before = previous.current;
    previous.current = { cells, busy };
    if (!before) return;
    if (!before.busy && busy) turnStart.current = before.cells;
    const ended = before.busy && !busy;
    const said = announcements(before.cells, cells, ended ? (turnStart.current ?? []) : undefined);
    if (ended) turnStart.current = undefined;
    if (said.length > 0) setMessage((current) => ({ text: said.join(' '), key: current.key + 1 }));
  }, [cells, busy]);

  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
      {/* A new element per message, so the same words said twice are read twice. */}
      <span key={message.key}>{message.text}</span>
    </div>
  );
}
