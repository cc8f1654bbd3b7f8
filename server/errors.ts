/**
 * Infrastructure errors: typed, with messages a person can act on. Kernel errors are not
 * here — they are data (an `error` output). Anything else is masked at the HTTP/WS edge.
 */
export class TalkbookError extends Error {
  /** HTTP status when this reaches the edge. */
  readonly status: number;
  constructor(message: string, status = 500, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

export class NotFoundError extends TalkbookError {
  override name = 'NotFoundError';
  constructor(what: string) {
    super(`${what} not found`, 404);
  }
}

export class BadRequestError extends TalkbookError {
  override name = 'BadRequestError';
  constructor(message: string) {
    super(message, 400);
  }
}

export class JupyterUnavailableError extends TalkbookError {
  override name = 'JupyterUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 503, options);
  }
}

export class KernelStartError extends TalkbookError {
  override name = 'KernelStartError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 503, options);
  }
}

/** The kernel died or restarted while a cell was running; its state is gone. */
export class KernelDiedError extends TalkbookError {
  override name = 'KernelDiedError';
  constructor(message = 'The kernel died while running this cell; its variables are lost.') {
    super(message, 500);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
