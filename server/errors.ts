import type { Logger } from './log.ts';

/**
 * The one error contract at every edge (HTTP, socket, a failed turn): an error whose message a
 * person may read and act on, with the HTTP status it answers. Infrastructure errors are typed
 * subclasses; kernel errors are not errors at all but data (an `error` output). Anything that is
 * not a `PublicError` is logged and masked by `toPublic`.
 */
export class PublicError extends Error {
  /** HTTP status when this reaches the edge. */
  readonly status: number;
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;
  constructor(message: string, status = 500, options?: { cause?: unknown; headers?: Record<string, string> }) {
    super(message, options);
    this.status = status;
    this.headers = options?.headers ?? {};
  }
}

/** What every edge says when it meets an error it did not expect. */
export const MASKED_MESSAGE = 'Something went wrong on the server (the error was logged).';

/**
 * `error` as a person may see it: itself when it is a `PublicError`, otherwise logged (with
 * `context`) and masked as a 500.
 */
export function toPublic(error: unknown, log: Logger, context: string): PublicError {
  if (error instanceof PublicError) return error;
  log.error(context, error);
  return new PublicError(MASKED_MESSAGE, 500, { cause: error });
}

export class NotFoundError extends PublicError {
  override name = 'NotFoundError';
  constructor(what: string) {
    super(`${what} not found`, 404);
  }
}

export class BadRequestError extends PublicError {
  override name = 'BadRequestError';
  constructor(message: string) {
    super(message, 400);
  }
}

export class JupyterUnavailableError extends PublicError {
  override name = 'JupyterUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 503, options);
  }
}

export class KernelStartError extends PublicError {
  override name = 'KernelStartError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 503, options);
  }
}

/** The kernel died or restarted while a cell was running; its state is gone. */
export class KernelDiedError extends PublicError {
  override name = 'KernelDiedError';
  constructor(message = 'The kernel died while running this cell; its variables are lost.') {
    super(message, 500);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
