import { PublicError } from '../errors.ts';

export type ModelErrorKind = 'auth' | 'rate_limit' | 'server' | 'connection' | 'bad_request';

/**
 * The model endpoint failed. `message` is written for the person reading the conversation:
 * what happened, the provider's own words, and what to change.
 */
export class ModelError extends PublicError {
  override readonly name = 'ModelError';
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
    /** The provider's message, verbatim, when it sent one. */
    readonly providerMessage?: string,
    /** The provider's HTTP status, when there was a response. */
    readonly providerStatus?: number,
    options?: { cause?: unknown },
  ) {
    // The message is meant for the person: the turn shows it as is. The endpoint failed: 502.
    super(message, 502, options);
  }
}

/** The caller's AbortSignal fired; the stream was stopped on purpose. */
export class ModelAbortedError extends PublicError {
  override readonly name = 'AbortError';
  constructor() {
    super('The model request was cancelled.', 499);
  }
}
