import { expect, it } from 'vitest';
import { requestTimeoutMs } from '../../../server/http/files-routes.ts';

it('gives the largest upload time at 32 KiB/s, never less than Node\'s 300 s', () => {
  expect(requestTimeoutMs(1024 * 1024)).toBe(300_000);
  // 100 MiB (the default limit) plus multipart framing at 32 KiB/s: 3202 s.
  expect(requestTimeoutMs(100 * 1024 * 1024)).toBe(3_202_000);
  expect(requestTimeoutMs(1024 * 1024 * 1024)).toBeGreaterThan(9 * 3600_000);
});
