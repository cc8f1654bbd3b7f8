import { describe, expect, it } from 'vitest';
import { describeBundle } from '../../../server/assistant/describe-bundle.ts';

describe('describeBundle with interactive twins', () => {
  it('tells the model the DataFrame text, not the table JSON beside it', () => {
    const { lines } = describeBundle({
      'text/plain': '   a\n0  1',
      'text/html': '<table><tr><td>1</td></tr></table>',
      'application/vnd.talkbook.table+json': { version: 1, rows: [[0, 1]] },
    });
    expect(lines.at(-1)).toBe('   a\n0  1');
    expect(lines.join('\n')).not.toContain('version');
  });

  it('describes a figure by its PNG only', () => {
    const { lines, images } = describeBundle({ 'text/plain': '<Figure>', 'image/png': 'iVBORw0KGgo=', 'application/vnd.talkbook.chart+json': { version: 1 } });
    expect(images).toHaveLength(1);
    expect(lines.join('\n')).not.toContain('version');
  });
});
