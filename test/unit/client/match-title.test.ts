import { expect, it } from 'vitest';
import { matchesTitle } from '../../../client/src/layout/match-title.ts';

it('matches every typed word anywhere in the title, ignoring case and accents', () => {
  expect(matchesTitle('Revenue by region, Q3', 'region q3')).toBe(true);
  expect(matchesTitle('Revenue by region, Q3', 'q3 REVENUE')).toBe(true);
  expect(matchesTitle('Café sales', 'cafe')).toBe(true);
  expect(matchesTitle('Revenue by region', 'region q4')).toBe(false);
  expect(matchesTitle('Anything', '   ')).toBe(true);
});
