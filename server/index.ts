import { ConfigError } from './config.ts';
import { PublicError } from './errors.ts';
import { startTalkbook } from './talkbook.ts';

/** `npm start`: boot, print the login link, shut everything down on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  // @jupyterlab/services narrates every kernel connection on console.debug: keep it for TALKBOOK_LOG=debug.
  if (process.env.TALKBOOK_LOG !== 'debug') console.debug = () => {};
  // A stray rejection inside a library (e.g. a kernel message future disposed on reconnect) must
  // not take every conversation down with it: log it and carry on.
  process.on('unhandledRejection', (reason) => console.error('[talkbook] ERROR unhandled rejection', reason));
  // The last resort, never the plan: every edge masks its own errors and every write retries.
  // Something that still escapes is logged, and the server keeps the other conversations going.
  process.on('uncaughtException', (error) => console.error('[talkbook] ERROR uncaught exception (the server keeps running)', error));
  const talkbook = await startTalkbook();
  if (talkbook.token !== undefined) console.log(`\nTalkbook is running. Open this link (it holds TALKBOOK_TOKEN, an admin token):\n\n  ${talkbook.loginUrl}\n`);
  else if (talkbook.loginUrl) console.log(`\nTalkbook is running. Open this link to sign in as admin (it works once, for 15 minutes):\n\n  ${talkbook.loginUrl}\n`);
  else console.log(`\nTalkbook is running: ${talkbook.publicOrigin}/ (sign in with your account)\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: shutting down kernels and Jupyter…`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    talkbook.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof PublicError) console.error(`\nTalkbook could not start: ${error.message}\n`);
  else console.error(error);
  process.exit(1);
});
