/**
 * WebSocket close codes a conversation socket may end with (4000–4999 are the application's).
 * The client reconnects with backoff on `NOT_HOLDER` and resumes by `seq` (or reloads when the
 * new holder's frame log lacks it: it answers the `resume` with a `reset`).
 */
export const SOCKET_CLOSE = {
  /** Access to the conversation ended (share revoked, user disabled): do not reconnect. */
  ACCESS_ENDED: 4403,
  /** Another Talkbook server holds the conversation (or takes it over now): reconnect, the load balancer finds it. */
  NOT_HOLDER: 4503,
} as const;

/** The reason sent with `NOT_HOLDER` (at most 123 bytes, as close reasons must be). */
export const NOT_HOLDER_REASON = 'conversation held by another server: reconnect';
