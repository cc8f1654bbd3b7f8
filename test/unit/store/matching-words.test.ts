import { describe, expect, it } from 'vitest';
import { matchingWords } from '../../../server/store/search-text.ts';

describe('checking a search document without the index', () => {
  it('needs every term as the start of a word, case and accents aside, and names the words', () => {
    expect(matchingWords('What was the Revenue of region 3?', ['rev', 'reg'])).toEqual(['revenue', 'region']);
    expect(matchingWords('What was the revenue?', ['rev', 'month'])).toBeUndefined();
    expect(matchingWords('prerevenue', ['rev'])).toBeUndefined();
    expect(matchingWords('Café footfall', ['cafe'])).toEqual(['cafe']);
    expect(matchingWords('df.groupby("month").revenue_total', ['revenue'])).toEqual(['revenue']);
  });
});
