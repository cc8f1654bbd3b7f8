import type { Config } from './config.ts';

const levels = ['silent', 'error', 'warn', 'info', 'debug'] as const;
type Level = (typeof levels)[number];

export interface Logger {
  error(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  debug(message: string, detail?: unknown): void;
}

/** A tiny leveled logger to stderr. Never pass secrets to it. */
export function createLogger(level: Config['logLevel']): Logger {
  const threshold = levels.indexOf(level);
  const at = (name: Exclude<Level, 'silent'>) => (message: string, detail?: unknown) => {
    if (levels.indexOf(name) > threshold) return;
    const line = `[talkbook] ${name.toUpperCase()} ${message}`;
    if (detail === undefined) console.error(line);
    else console.error(line, detail instanceof Error ? (detail.stack ?? detail.message) : detail);
  };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}
