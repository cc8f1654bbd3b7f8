import { AssistantCancelledError } from './errors.ts';

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new AssistantCancelledError();
}

/** Resolves like `promise`, or rejects with `AssistantCancelledError` as soon as `signal` fires. */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(new AssistantCancelledError());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new AssistantCancelledError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
