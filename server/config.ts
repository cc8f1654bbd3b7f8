import { resolve } from 'node:path';
import { z } from 'zod';

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((value) => value === '1' || value === 'true');

/** A 0/1 switch that is on unless set to 0 (or false). */
const flagOn = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((value) => value !== '0' && value !== 'false');

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value && value.trim() ? value.trim() : undefined));

function isWebAddress(text: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** `a, b,c` → ['a', 'b', 'c'] (empty: none). */
const commaList = z
  .string()
  .optional()
  .transform((value) => (value ?? '').split(',').map((item) => item.trim()).filter((item) => item !== ''));

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Every environment variable Talkbook reads, with its default. README's table mirrors this. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  TALKBOOK_TOKEN: optionalText,
  TALKBOOK_PUBLIC_URL: optionalText.refine((url) => url === undefined || isWebAddress(url), 'an http:// or https:// address, e.g. https://talkbook.example.com'),
  TALKBOOK_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: optionalText.pipe(z.string().regex(/^postgres(ql)?:\/\//).optional()),
  JUPYTER_URL: optionalText,
  JUPYTER_TOKEN: optionalText,
  TALKBOOK_PYTHON: z.string().default('/usr/bin/python3'),
  TALKBOOK_DEFAULT_KERNEL: z.string().default('python3'),
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalText.pipe(z.url({ protocol: /^https?$/ }).optional()),
  TALKBOOK_MODEL: z.string().default('gpt-5.1'),
  TALKBOOK_MAX_STEPS: z.coerce.number().int().min(1).max(100).default(10),
  TALKBOOK_TOOL_MODE: z.enum(['tools', 'fenced']).default('tools'),
  TALKBOOK_VISION: flag,
  TALKBOOK_MODEL_RETRIES: z.coerce.number().int().min(0).default(2),
  TALKBOOK_CELL_TIMEOUT_S: positiveInt(600),
  TALKBOOK_STDIN_TIMEOUT_S: positiveInt(300),
  TALKBOOK_MAX_OUTPUT_MB: z.coerce.number().positive().default(16),
  TALKBOOK_MAX_UPLOAD_MB: z.coerce.number().positive().default(100),
  TALKBOOK_SANDBOX: z.enum(['auto', 'off']).default('auto'),
  TALKBOOK_KERNEL_NETWORK: flag,
  TALKBOOK_KERNEL_MEMORY_MB: positiveInt(2048),
  TALKBOOK_KERNEL_MAX_PROCS: positiveInt(256),
  /** Size of a kernel's /tmp (RAM, counted in its memory); default a quarter of TALKBOOK_KERNEL_MEMORY_MB. */
  TALKBOOK_KERNEL_TMP_MB: z.coerce.number().int().positive().optional(),
  TALKBOOK_WORKSPACE_MB: z.coerce.number().int().min(0).default(5120),
  TALKBOOK_KERNEL_IDLE_MINUTES: z.coerce.number().positive().default(60),
  TALKBOOK_MAX_KERNELS: positiveInt(64),
  /** Running kernels per user (the owners of their conversations); unset: only TALKBOOK_MAX_KERNELS. */
  TALKBOOK_MAX_KERNELS_PER_USER: z.coerce.number().int().positive().optional(),
  /** What the store may hold per user (their conversations' cells, outputs, checkpoints), in MB; unset: no quota. */
  TALKBOOK_STORAGE_QUOTA_MB: z.coerce.number().positive().optional(),
  TALKBOOK_KERNEL_POOL: z.coerce.number().int().min(0).max(16).default(2),
  TALKBOOK_AUTO_RESTORE: flagOn,
  TALKBOOK_CHECKPOINT_MB: z.coerce.number().min(0).default(2048),
  TALKBOOK_FILES: z.enum(['auto', 'contents', 'kernel']).default('auto'),
  TALKBOOK_LOG: z.enum(['silent', 'error', 'warn', 'info', 'debug']).default('info'),
  TALKBOOK_OIDC_ISSUER: optionalText.refine((url) => url === undefined || isWebAddress(url), 'an http:// or https:// address'),
  TALKBOOK_OIDC_CLIENT_ID: optionalText,
  TALKBOOK_OIDC_CLIENT_SECRET: optionalText,
  TALKBOOK_OIDC_NAME: optionalText,
  TALKBOOK_OIDC_ALLOWED_DOMAINS: commaList,
  TALKBOOK_OIDC_GROUPS_CLAIM: optionalText,
  TALKBOOK_OIDC_ALLOWED_GROUPS: commaList,
  TALKBOOK_OIDC_FIRST_ADMIN: flag,
  TALKBOOK_SERVER_ID: optionalText.pipe(z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/).optional()),
  TALKBOOK_INTERNAL_URL: optionalText.refine((url) => url === undefined || isWebAddress(url), 'an http:// or https:// address, e.g. http://10.0.0.5:8080'),
  TALKBOOK_LEASE_SECONDS: z.coerce.number().positive().max(3600).default(10),
});

/** The name of every environment variable Talkbook reads (deploy/k8s is checked against it). */
export const ENV_NAMES: readonly string[] = Object.keys(envSchema.shape);

export type Env = Record<string, string | undefined>;

export interface Config {
  port: number;
  host: string;
  token: string | undefined;
  /** TALKBOOK_PUBLIC_URL: the address browsers use, when a proxy stands in front. */
  publicUrl: string | undefined;
  dataDir: string;
  /** PostgreSQL instead of SQLite in the data folder (DATABASE_URL). */
  databaseUrl: string | undefined;
  jupyter: { url: string; token: string } | { embedded: true; python: string };
  defaultKernel: string;
  assistant: {
    apiKey: string | undefined;
    baseUrl: string | undefined;
    model: string;
    maxSteps: number;
    toolMode: 'tools' | 'fenced';
    vision: boolean;
    maxRetries: number;
  };
  cellTimeoutMs: number;
  /** A prompt (`input()`) left unanswered this long stops its cell (TALKBOOK_STDIN_TIMEOUT_S). */
  stdinTimeoutMs: number;
  /** Stored output per cell beyond which further output is dropped (and the cell says so). */
  maxCellOutputBytes: number;
  /** Largest file upload or notebook import (TALKBOOK_MAX_UPLOAD_MB). */
  maxUploadBytes: number;
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  kernelIdleMs: number;
  maxKernels: number;
  /** Running kernels per user (TALKBOOK_MAX_KERNELS_PER_USER); undefined: no per-user cap. */
  maxKernelsPerUser: number | undefined;
  /** Store bytes per user (TALKBOOK_STORAGE_QUOTA_MB); undefined: no quota. */
  storageQuotaBytes: number | undefined;
  /** Started kernels kept ready per kernel spec for new conversations (TALKBOOK_KERNEL_POOL; 0: off). */
  kernelPool: number;
  /** Restore lost kernel state (newest checkpoint, then replay) before the next request (TALKBOOK_AUTO_RESTORE, default on). */
  autoRestore: boolean;
  /** Kernel checkpoints per conversation, in MB (TALKBOOK_CHECKPOINT_MB, default 2048); 0 makes none (restore replays). */
  checkpointMb: number;
  /** Where workspaces are made and files moved (TALKBOOK_FILES). */
  files: 'auto' | 'contents' | 'kernel';
  sandbox: { mode: 'auto' | 'off'; network: boolean; memoryMb: number; maxProcs: number; tmpMb: number; workspaceMb: number };
  /** Many servers (DATABASE_URL): this server's stable id (TALKBOOK_SERVER_ID; default: one kept in the data folder). */
  serverId: string | undefined;
  /** The address other servers and the load balancer reach this one at (TALKBOOK_INTERNAL_URL; default: where it listens). */
  internalUrl: string | undefined;
  /** A conversation's lease lasts this long unrenewed (TALKBOOK_LEASE_SECONDS, default 10: a takeover within about 10 s). */
  leaseMs: number;
  /** Sign-in with OpenID Connect (TALKBOOK_OIDC_*), when configured. */
  oidc: OidcConfig | undefined;
}

/** An OpenID Connect provider to sign in with (server/accounts/oidc/). */
export interface OidcConfig {
  /** TALKBOOK_OIDC_ISSUER: the provider's issuer URL (its discovery document is `<issuer>/.well-known/openid-configuration`). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** `<TALKBOOK_PUBLIC_URL>/api/auth/oidc/callback`: register it at the provider. */
  redirectUri: string;
  /** The sign-in button's "Sign in with <name>" (TALKBOOK_OIDC_NAME; default: the issuer's host). */
  name: string;
  /** Email domains admitted (TALKBOOK_OIDC_ALLOWED_DOMAINS, lower case); empty: any. A domain is checked only on a verified email. */
  allowedDomains: string[];
  /** The ID token claim that lists a person's groups (TALKBOOK_OIDC_GROUPS_CLAIM; default `groups`). */
  groupsClaim: string;
  /** Groups admitted (TALKBOOK_OIDC_ALLOWED_GROUPS); empty: any. */
  allowedGroups: string[];
  /** TALKBOOK_OIDC_FIRST_ADMIN=1: the first person to sign in this way while no one else has becomes an admin. */
  firstAdmin: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Variables whose values are never repeated in an error. */
const SECRET = new Set(['DATABASE_URL', 'OPENAI_API_KEY', 'TALKBOOK_TOKEN', 'JUPYTER_TOKEN', 'TALKBOOK_OIDC_CLIENT_SECRET']);

/** What a bad value should look like, said when it is wrong. */
const expected: Partial<Record<keyof z.input<typeof envSchema>, string>> = {
  PORT: 'a port number from 0 to 65535 (0 picks a free one)',
  DATABASE_URL: 'a PostgreSQL URL like postgres://talkbook:secret@db:5432/talkbook',
  OPENAI_BASE_URL: 'an http(s) URL of an OpenAI-compatible endpoint, like http://127.0.0.1:11434/v1',
  TALKBOOK_MAX_STEPS: 'a whole number from 1 to 100, like 10',
  TALKBOOK_TOOL_MODE: '"tools" or "fenced"',
  TALKBOOK_VISION: '1 or 0',
  TALKBOOK_MODEL_RETRIES: 'a whole number, like 2',
  TALKBOOK_CELL_TIMEOUT_S: 'a whole number of seconds above 0, like 600',
  TALKBOOK_STDIN_TIMEOUT_S: 'a whole number of seconds above 0, like 300',
  TALKBOOK_MAX_OUTPUT_MB: 'a number of megabytes above 0, like 16',
  TALKBOOK_MAX_UPLOAD_MB: 'a number of megabytes above 0, like 100',
  TALKBOOK_SANDBOX: '"auto" or "off"',
  TALKBOOK_KERNEL_NETWORK: '1 or 0',
  TALKBOOK_KERNEL_MEMORY_MB: 'a whole number of megabytes above 0, like 2048',
  TALKBOOK_KERNEL_MAX_PROCS: 'a whole number above 0, like 256',
  TALKBOOK_KERNEL_IDLE_MINUTES: 'a number of minutes above 0 (fractions allowed: 0.1 is six seconds)',
  TALKBOOK_MAX_KERNELS: 'a whole number above 0, like 64',
  TALKBOOK_MAX_KERNELS_PER_USER: 'a whole number above 0, like 4 (unset: no per-user cap)',
  TALKBOOK_STORAGE_QUOTA_MB: 'a number of megabytes above 0, like 1024 (unset: no quota)',
  TALKBOOK_KERNEL_POOL: 'a whole number from 0 to 16',
  TALKBOOK_AUTO_RESTORE: '1 or 0',
  TALKBOOK_CHECKPOINT_MB: 'a number of megabytes, 0 or more, like 2048 (0: no checkpoints)',
  TALKBOOK_FILES: '"auto", "contents" or "kernel"',
  TALKBOOK_LOG: '"silent", "error", "warn", "info" or "debug"',
  TALKBOOK_OIDC_ISSUER: 'the provider\'s issuer URL, like https://keycloak.example.com/realms/acme',
  TALKBOOK_OIDC_FIRST_ADMIN: '1 or 0',
};

const OIDC_NEEDS = ['TALKBOOK_OIDC_ISSUER', 'TALKBOOK_OIDC_CLIENT_ID', 'TALKBOOK_OIDC_CLIENT_SECRET', 'TALKBOOK_PUBLIC_URL'] as const;

/** OpenID Connect is on when its issuer, client id or secret is set; then all of them and the public address must be. */
function oidcConfig(e: z.output<typeof envSchema>): OidcConfig | undefined {
  if (!e.TALKBOOK_OIDC_ISSUER && !e.TALKBOOK_OIDC_CLIENT_ID && !e.TALKBOOK_OIDC_CLIENT_SECRET) {
    const stray = (['TALKBOOK_OIDC_ALLOWED_DOMAINS', 'TALKBOOK_OIDC_ALLOWED_GROUPS'] as const).filter((name) => e[name].length > 0);
    if (stray.length > 0 || e.TALKBOOK_OIDC_FIRST_ADMIN) {
      throw new ConfigError(`Invalid environment: ${[...stray, ...(e.TALKBOOK_OIDC_FIRST_ADMIN ? ['TALKBOOK_OIDC_FIRST_ADMIN'] : [])].join(', ')} set, but OpenID Connect is not: set ${OIDC_NEEDS.join(', ')}.`);
    }
    return undefined;
  }
  const missing = OIDC_NEEDS.filter((name) => !e[name]);
  if (missing.length > 0) {
    throw new ConfigError(
      `Invalid environment: OpenID Connect sign-in needs ${OIDC_NEEDS.join(', ')}; missing ${missing.join(', ')}. ` +
        'TALKBOOK_PUBLIC_URL is the address people open (the provider sends them back to <TALKBOOK_PUBLIC_URL>/api/auth/oidc/callback).',
    );
  }
  if (e.TALKBOOK_OIDC_FIRST_ADMIN && e.TALKBOOK_OIDC_ALLOWED_DOMAINS.length === 0 && e.TALKBOOK_OIDC_ALLOWED_GROUPS.length === 0) {
    throw new ConfigError(
      'Invalid environment: TALKBOOK_OIDC_FIRST_ADMIN=1 needs TALKBOOK_OIDC_ALLOWED_DOMAINS or TALKBOOK_OIDC_ALLOWED_GROUPS: otherwise the first person with any account at the provider would become an admin.',
    );
  }
  const issuer = e.TALKBOOK_OIDC_ISSUER!;
  return {
    issuer,
    clientId: e.TALKBOOK_OIDC_CLIENT_ID!,
    clientSecret: e.TALKBOOK_OIDC_CLIENT_SECRET!,
    redirectUri: new URL('/api/auth/oidc/callback', e.TALKBOOK_PUBLIC_URL!).href,
    name: e.TALKBOOK_OIDC_NAME ?? new URL(issuer).host,
    allowedDomains: e.TALKBOOK_OIDC_ALLOWED_DOMAINS.map((domain) => domain.toLowerCase().replace(/^@/, '')),
    groupsClaim: e.TALKBOOK_OIDC_GROUPS_CLAIM ?? 'groups',
    allowedGroups: e.TALKBOOK_OIDC_ALLOWED_GROUPS,
    firstAdmin: e.TALKBOOK_OIDC_FIRST_ADMIN,
  };
}

/**
 * Parse and validate the environment (the only place that reads it). Throws a `ConfigError`
 * that names each bad variable, what it should look like and what it was.
 */
export function loadConfig(env: Env = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const names = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '')))];
    const problems = names.map((name) => {
      const hint = expected[name as keyof typeof expected];
      // Never echo a value that may hold a password or a key.
      const was = SECRET.has(name) ? '' : `, not "${env[name]}"`;
      return hint ? `${name} must be ${hint}${was}` : `${name}: ${parsed.error.issues.find((issue) => issue.path[0] === name)?.message}`;
    });
    throw new ConfigError(`Invalid environment: ${problems.join('; ')}.`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    token: e.TALKBOOK_TOKEN,
    publicUrl: e.TALKBOOK_PUBLIC_URL,
    dataDir: resolve(e.TALKBOOK_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    jupyter: e.JUPYTER_URL
      ? { url: e.JUPYTER_URL, token: e.JUPYTER_TOKEN ?? '' }
      : { embedded: true, python: e.TALKBOOK_PYTHON },
    defaultKernel: e.TALKBOOK_DEFAULT_KERNEL,
    assistant: {
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      model: e.TALKBOOK_MODEL,
      maxSteps: e.TALKBOOK_MAX_STEPS,
      toolMode: e.TALKBOOK_TOOL_MODE,
      vision: e.TALKBOOK_VISION,
      maxRetries: e.TALKBOOK_MODEL_RETRIES,
    },
    cellTimeoutMs: e.TALKBOOK_CELL_TIMEOUT_S * 1000,
    stdinTimeoutMs: e.TALKBOOK_STDIN_TIMEOUT_S * 1000,
    maxCellOutputBytes: Math.round(e.TALKBOOK_MAX_OUTPUT_MB * 1024 * 1024),
    maxUploadBytes: Math.round(e.TALKBOOK_MAX_UPLOAD_MB * 1024 * 1024),
    logLevel: e.TALKBOOK_LOG,
    kernelIdleMs: e.TALKBOOK_KERNEL_IDLE_MINUTES * 60_000,
    maxKernels: e.TALKBOOK_MAX_KERNELS,
    maxKernelsPerUser: e.TALKBOOK_MAX_KERNELS_PER_USER,
    storageQuotaBytes: e.TALKBOOK_STORAGE_QUOTA_MB === undefined ? undefined : Math.round(e.TALKBOOK_STORAGE_QUOTA_MB * 1024 * 1024),
    kernelPool: e.TALKBOOK_KERNEL_POOL,
    autoRestore: e.TALKBOOK_AUTO_RESTORE,
    checkpointMb: e.TALKBOOK_CHECKPOINT_MB,
    files: e.TALKBOOK_FILES,
    sandbox: {
      mode: e.TALKBOOK_SANDBOX,
      network: e.TALKBOOK_KERNEL_NETWORK,
      memoryMb: e.TALKBOOK_KERNEL_MEMORY_MB,
      maxProcs: e.TALKBOOK_KERNEL_MAX_PROCS,
      tmpMb: Math.min(e.TALKBOOK_KERNEL_TMP_MB ?? Math.max(16, Math.floor(e.TALKBOOK_KERNEL_MEMORY_MB / 4)), e.TALKBOOK_KERNEL_MEMORY_MB),
      workspaceMb: e.TALKBOOK_WORKSPACE_MB,
    },
    oidc: oidcConfig(e),
    serverId: e.TALKBOOK_SERVER_ID,
    internalUrl: e.TALKBOOK_INTERNAL_URL,
    leaseMs: Math.round(e.TALKBOOK_LEASE_SECONDS * 1000),
  };
}
