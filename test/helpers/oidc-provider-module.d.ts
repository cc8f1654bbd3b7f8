/**
 * The part of `oidc-provider` (v9, shipped without types) that test/helpers/oidc-provider.ts
 * uses. Its configuration is documented in the package's docs/README.md.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface Account {
    accountId: string;
    claims(): Promise<Record<string, unknown>>;
  }

  interface KoaContext {
    path: string;
    body: unknown;
    response: { get(name: string): string | undefined; set(name: string, value: string): void };
  }

  interface Configuration {
    clients: Array<Record<string, unknown>>;
    jwks: { keys: Array<Record<string, unknown>> };
    cookies: { keys: string[] };
    claims: Record<string, string[]>;
    features: Record<string, { enabled: boolean }>;
    pkce: { required: () => boolean };
    ttl?: Record<string, number>;
    findAccount(ctx: unknown, id: string): Promise<Account | undefined>;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    on(event: string, listener: (...args: unknown[]) => void): this;
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }
}
