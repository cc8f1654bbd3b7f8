import { useEffect, useState } from 'react';

/** Milliseconds since `startedAt` (ISO), ticking while `running`; until `endedAt` otherwise. */
export function useElapsed(startedAt: string | undefined, endedAt: string | undefined, running: boolean): number | undefined {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 100);
    return () => clearInterval(timer);
  }, [running]);
  if (!startedAt) return undefined;
  const start = Date.parse(startedAt);
  const end = !running && endedAt ? Date.parse(endedAt) : running ? now : NaN;
  return Number.isFinite(start) && Number.isFinite(end) ? Math.max(0, end - start) : undefined;
}

/** 0.4 s · 12.3 s · 2 min 05 s */
export function formatElapsed(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}
