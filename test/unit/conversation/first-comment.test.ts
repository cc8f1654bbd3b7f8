import { expect, it } from 'vitest';
import { firstComment } from '../../../server/conversation/conversation-title.ts';

it('finds the first real comment of some code', () => {
  expect(firstComment('# Load the March sales\nimport pandas as pd')).toBe('Load the March sales');
  expect(firstComment('#!/usr/bin/env python\n# -*- coding: utf-8 -*-\nx = 1\n  ##   Clean   up  \n')).toBe('Clean up');
  expect(firstComment('# %%\n# ---\nprint(1)')).toBeUndefined();
  expect(firstComment('print("# not a comment line")')).toBeUndefined();
  expect(firstComment('')).toBeUndefined();
});
