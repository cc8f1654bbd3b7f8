import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import { ModelError } from './model-error.ts';

export interface ErrorContext {
  baseUrl: string;
  model: string;
  maxRetries: number;
}

/** Maps whatever the SDK (or fetch) threw into a `ModelError` with an actionable message. */
export function toModelError(err: unknown, context: ErrorContext): ModelError {
  if (err instanceof ModelError) return err;
  if (err instanceof APIConnectionTimeoutError) {
    return new ModelError(
      'connection',
      `The model endpoint at ${context.baseUrl} did not answer in time${retried(context)}. ` +
        'Check that the server is running and not overloaded, then ask again.',
      undefined,
      undefined,
      { cause: err },
    );
  }
  if (err instanceof APIConnectionError) {
    const detail = causeMessage(err) ?? err.message;
    return new ModelError(
      'connection',
      `Could not reach the model endpoint at ${context.baseUrl}${retried(context)}: ${detail}. ` +
        'Check OPENAI_BASE_URL and that the server is running.',
      detail,
      undefined,
      { cause: err },
    );
  }
  if (err instanceof APIError) {
    const provider = providerMessage(err);
    const status = typeof err.status === 'number' ? err.status : undefined;
    return fromStatus(status, provider, context, err);
  }
  // Anything else thrown while reading the body: the connection broke mid-stream.
  const detail = err instanceof Error ? (causeMessage(err) ?? err.message) : String(err);
  return new ModelError(
    'connection',
    `The connection to the model endpoint dropped in the middle of its reply (${detail}). ` +
      'What arrived so far is kept; ask again to continue.',
    detail,
    undefined,
    { cause: err },
  );
}

function fromStatus(
  status: number | undefined,
  providerText: string,
  context: ErrorContext,
  cause: unknown,
): ModelError {
  const make = (kind: ModelError['kind'], message: string) =>
    new ModelError(kind, message, providerText, status, { cause });
  // Quoted mid-sentence: "…(401): Incorrect API key. Check …", not "key.. Check".
  const provider = providerText.trim().replace(/[.\s]+$/, '');
  if (status === undefined) {
    // An error object inside the stream (`data: {"error": …}`), no HTTP status.
    return make('server', `The model endpoint reported an error mid-reply: ${provider}. Ask again in a moment.`);
  }
  if (status === 401) {
    return make('auth', `The model endpoint rejected the API key (401): ${provider}. Check OPENAI_API_KEY.`);
  }
  if (status === 403) {
    return make(
      'auth',
      `The model endpoint refused access (403): ${provider}. Check that OPENAI_API_KEY may use the model "${context.model}".`,
    );
  }
  if (status === 429) {
    return make(
      'rate_limit',
      `The model endpoint is rate limiting requests (429)${retried(context)}: ${provider}. ` +
        'Wait a moment and ask again, or check the quota of your API key.',
    );
  }
  if (status >= 500) {
    return make(
      'server',
      `The model endpoint failed (${status})${retried(context)}: ${provider}. Ask again in a moment.`,
    );
  }
  if (status === 404) {
    return make(
      'bad_request',
      `The model endpoint answered 404: ${provider}. Check TALKBOOK_MODEL ("${context.model}") and ` +
        `OPENAI_BASE_URL ("${context.baseUrl}", which usually ends in /v1).`,
    );
  }
  return make(
    'bad_request',
    `The model endpoint rejected the request (${status}): ${provider}. ` +
      `Check that TALKBOOK_MODEL ("${context.model}") names a chat model this endpoint serves` +
      ' (set TALKBOOK_TOOL_MODE=fenced if it does not support tool calling).',
  );
}

function retried(context: ErrorContext): string {
  if (context.maxRetries <= 0) return '';
  return context.maxRetries === 1 ? ' (also after 1 retry)' : ` (also after ${context.maxRetries} retries)`;
}

/** The provider's own words: `error.message` of an OpenAI-style body, else the SDK's message. */
function providerMessage(err: APIError): string {
  const body: unknown = err.error;
  if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string') {
    return body.message;
  }
  if (typeof body === 'string' && body) return body;
  // The SDK prefixes the status ("429 Too many requests"); drop it, callers add their own.
  return err.message.replace(/^\d{3}\s+/, '');
}

function causeMessage(err: Error): string | undefined {
  const cause: unknown = err.cause;
  if (cause instanceof Error) {
    const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    const inner = causeMessage(cause);
    if (inner) return inner;
    return code && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
  }
  return undefined;
}
