export type ModelErrorKind = 'auth' | 'rate_limit' | 'server' | 'connection' | 'bad_request';

/**
 * The model endpoint failed. `message` is written for the person reading the conversation:
 * what happened, the provider's own words, and what to change.
 */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  /** The message is meant for the person: the turn runner shows it as is. */
  readonly expose = true;
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    /** The provider's message, verbatim, when it sent one. */
    readonly providerMessage?: string,
    /** The HTTP status, when there was a response. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The caller's AbortSignal fired; the stream was stopped on purpose. */
export class ModelAbortedError extends Error {
  override readonly name = 'AbortError';
  readonly expose = true;
  constructor() {
    super('The model request was cancelled.');
  }
}
