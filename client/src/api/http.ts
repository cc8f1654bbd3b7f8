import type { z } from 'zod';
import { errorResponse } from '../protocol.ts';
import { csrfToken } from './csrf.ts';

/** The server said 401: the auth cookie is missing or stale. */
export class UnauthorizedError extends Error {
  constructor() {
    super('Not signed in.');
    this.name = 'UnauthorizedError';
  }
}

/** Any other failed request, with the server's own message when it sent one. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Something outside the app reacts to 401s (the sign-in screen): one listener is enough. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

/** Tells the app the session is gone (any request that got a 401). */
export function notifyUnauthorized(): void {
  onUnauthorized();
}

/**
 * Fetches a same-origin API path (the auth cookie goes along) and validates the JSON answer
 * with `schema`. Pass no schema for answers without a body (204).
 */
export async function request<T>(path: string, init: RequestInit = {}, schema?: z.ZodType<T>): Promise<T | undefined> {
  const headers = new Headers(init.headers);
  // The server refuses a state-changing request made with the cookie unless it is JSON (a type
  // another site or port cannot send without a CORS preflight), even one without a body.
  const method = (init.method ?? 'GET').toUpperCase();
  if ((init.body !== undefined || (method !== 'GET' && method !== 'HEAD')) && !headers.has('content-type')) {
    headers.set('content-type', 'application/json');
  }
  const csrf = csrfToken();
  if (csrf && method !== 'GET' && method !== 'HEAD') headers.set('x-csrf-token', csrf);
  const response = await fetch(path, { ...init, headers, credentials: 'same-origin' });
  if (response.status === 401) {
    onUnauthorized();
    throw new UnauthorizedError();
  }
  if (!response.ok) throw new HttpError(response.status, await errorMessage(response));
  if (!schema) return undefined;
  const parsed = schema.safeParse(await response.json());
  if (!parsed.success) {
    throw new HttpError(response.status, `Unexpected answer from ${path}: ${parsed.error.message}`);
  }
  return parsed.data;
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const parsed = errorResponse.safeParse(await response.json());
    if (parsed.success) return parsed.data.error;
  } catch {
    // Not JSON: fall through to the status text.
  }
  return `${response.status} ${response.statusText || 'request failed'}`;
}
