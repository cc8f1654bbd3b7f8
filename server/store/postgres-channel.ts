import pg from 'pg';
import type { Logger } from '../log.ts';

export interface PostgresChannelOptions {
  url: string;
  /** The NOTIFY channel (an SQL identifier; default `talkbook_list`). */
  channel?: string;
  log: Logger;
  /** How often the connection is checked with a query, so a silently dead one is noticed (default 15 s). */
  checkMs?: number;
  /** Waits before reconnecting: from this, doubling up to `maxRetryMs` (defaults 250 ms and 10 s). */
  retryMs?: number;
  maxRetryMs?: number;
}

/** Its `application_name` in `pg_stat_activity`. */
export const CHANNEL_APPLICATION_NAME = 'talkbook-list-events';

/**
 * PostgreSQL `LISTEN/NOTIFY` on one dedicated connection (a pooled one would be handed to other
 * queries and lose the LISTEN). When the connection drops it reconnects with backoff and listens
 * again; what was published meanwhile is lost, which the callers accept (their tabs also poll).
 */
export class PostgresChannel {
  private readonly options: Required<Omit<PostgresChannelOptions, 'log'>> & { log: Logger };
  private readonly handlers: Array<(payload: string) => void> = [];
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly checker: NodeJS.Timeout;
  private failures = 0;
  private closed = false;

  private constructor(options: PostgresChannelOptions) {
    this.options = { channel: 'talkbook_list', checkMs: 15_000, retryMs: 250, maxRetryMs: 10_000, ...options };
    if (!/^[a-z_][a-z0-9_]*$/.test(this.options.channel)) throw new Error(`"${this.options.channel}" is not a valid channel name (lower-case letters, digits, _).`);
    this.checker = setInterval(() => void this.check(), this.options.checkMs);
    this.checker.unref();
  }

  /** Connects and listens; resolves once listening, or after the first failure (it keeps retrying, logged). */
  static async open(options: PostgresChannelOptions): Promise<PostgresChannel> {
    const channel = new PostgresChannel(options);
    await channel.connect();
    return channel;
  }

  /** Whether the LISTEN is in place now. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  onMessage(handler: (payload: string) => void): void {
    this.handlers.push(handler);
  }

  publish(payload: string): void {
    const client = this.client;
    if (!client) {
      this.options.log.debug('a conversation-list event was not relayed: not connected to PostgreSQL');
      return;
    }
    client.query('SELECT pg_notify($1, $2)', [this.options.channel, payload]).catch((error: unknown) => {
      this.options.log.warn('could not relay a conversation-list event through PostgreSQL', error);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.checker);
    clearTimeout(this.retryTimer);
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    this.connecting ??= this.attempt().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async attempt(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.options.url, application_name: CHANNEL_APPLICATION_NAME, keepAlive: true, connectionTimeoutMillis: 10_000 });
    client.on('error', (error) => this.dropped(client, error));
    client.on('end', () => this.dropped(client, undefined));
    client.on('notification', (message) => {
      if (message.channel !== this.options.channel || message.payload === undefined) return;
      for (const handler of this.handlers) handler(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      this.retry(error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    if (this.failures) this.options.log.info('listening for conversation-list events on PostgreSQL again');
    this.failures = 0;
    this.client = client;
  }

  private dropped(client: pg.Client, error: Error | undefined): void {
    if (this.client !== client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    if (!this.closed) this.retry(error ?? new Error('the connection ended'));
  }

  private retry(error: unknown): void {
    if (this.closed || this.retryTimer) return;
    this.failures += 1;
    if (this.failures === 1) this.options.log.warn('lost the PostgreSQL connection for conversation-list events; reconnecting', error);
    const delay = Math.min(this.options.maxRetryMs, this.options.retryMs * 2 ** (this.failures - 1));
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private async check(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      await client.query('SELECT 1');
    } catch (error) {
      this.dropped(client, error instanceof Error ? error : new Error(String(error)));
    }
  }
}
