import { expect, it } from 'vitest';
import { saveDelay } from '../../../server/conversation/conversations.ts';

it('saves small conversations after the base delay and big ones less often, within 5 s', () => {
  expect(saveDelay(250, 0)).toBe(250);
  expect(saveDelay(250, 2)).toBe(250);
  expect(saveDelay(250, 25)).toBe(1000);
  expect(saveDelay(250, 1000)).toBe(5000);
  // A base delay above the cap is kept (tests and configuration may ask for it).
  expect(saveDelay(10_000, 1)).toBe(10_000);
});
