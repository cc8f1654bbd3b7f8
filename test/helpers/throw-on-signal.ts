import { writeFileSync } from 'node:fs';

/**
 * Loaded into a server process with `node --import` (see `last-resort.test.ts`): on SIGUSR2 a
 * timer throws, as `JSON.stringify` in a debounced save once did, and the timer after it writes
 * `THROW_ON_SIGNAL_MARKER`, which it can only do when the process outlived the throw.
 */
const marker = process.env.THROW_ON_SIGNAL_MARKER;
if (marker) {
  process.on('SIGUSR2', () => {
    setTimeout(() => {
      setTimeout(() => writeFileSync(marker, 'alive'), 0);
      throw new RangeError('Invalid string length (thrown on purpose by throw-on-signal.ts)');
    }, 0);
  });
}
