import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/conversations-api.ts';
import type { UploadedFile } from '../protocol.ts';
import type { Upload } from '../ui/upload-progress.tsx';

export interface UploadQueue {
  /** The file being sent now (with its place in the batch), if any. */
  upload: Upload | undefined;
  /** Queue files for the conversation's workspace; they go one at a time, in order. */
  add(files: readonly File[]): void;
  /** Stop the running upload and drop the queued ones. */
  cancel(): void;
}

/**
 * Uploads into one conversation's workspace, one file at a time (the server streams each into
 * the kernel's folder, so parallel uploads would only compete). Files added while one is running
 * join the batch. Cancelling stops the batch; a failed file is reported and the next one goes.
 */
export function useUploads(
  conversationId: string,
  events: { stored(file: UploadedFile): void; failed(error: unknown): void },
): UploadQueue {
  const [upload, setUpload] = useState<Upload | undefined>(undefined);
  const queue = useRef<File[]>([]);
  const batch = useRef({ done: 0, total: 0 });
  const running = useRef<AbortController | undefined>(undefined);
  const latest = useRef(events);
  latest.current = events;

  const pump = useCallback(async () => {
    if (running.current) return;
    try {
      for (let file = queue.current.shift(); file; file = queue.current.shift()) {
        const controller = new AbortController();
        running.current = controller;
        const place = { index: batch.current.done + 1, total: batch.current.total };
        const name = file.name;
        setUpload({ name, fraction: 0, ...place });
        try {
          const stored = await api.upload(conversationId, file, (fraction) => setUpload({ name, fraction, ...place }), controller.signal);
          latest.current.stored(stored);
        } catch (error) {
          if (controller.signal.aborted) break;
          latest.current.failed(error);
        }
        batch.current.done += 1;
      }
    } finally {
      running.current = undefined;
      queue.current = [];
      batch.current = { done: 0, total: 0 };
      setUpload(undefined);
    }
  }, [conversationId]);

  const add = useCallback(
    (files: readonly File[]) => {
      if (files.length === 0) return;
      queue.current.push(...files);
      batch.current.total += files.length;
      void pump();
    },
    [pump],
  );

  const cancel = useCallback(() => {
    queue.current = [];
    running.current?.abort();
  }, []);

  useEffect(() => cancel, [cancel]);
  return { upload, add, cancel };
}
