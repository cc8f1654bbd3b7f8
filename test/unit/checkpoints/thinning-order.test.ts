import { describe, expect, it } from 'vitest';
import { thinningOrder } from '../../../server/checkpoints/thinning-order.ts';

const ids = Array.from({ length: 12 }, (_, index) => `${String(index + 1).padStart(6, '0')}-0000000${index % 10}`);

describe('thinningOrder (stored checkpoints, as budget.py thins a folder)', () => {
  it('keeps the newest and the protected ones, and drops every other older one, oldest first, pass after pass', () => {
    const order = thinningOrder(ids, 4, new Set([ids[2]!]));
    // Candidates: 1, 2, 4, 5, 6, 7, 8 (3 is protected, 9–12 are recent).
    expect(order).toEqual([ids[0], ids[3], ids[5], ids[7], ids[1], ids[6], ids[4]]);
  });

  it('drops nothing when everything is recent or protected', () => {
    expect(thinningOrder(ids.slice(0, 3), 8, new Set())).toEqual([]);
    expect(thinningOrder(ids.slice(0, 2), 0, new Set(ids.slice(0, 2)))).toEqual([]);
  });
});
