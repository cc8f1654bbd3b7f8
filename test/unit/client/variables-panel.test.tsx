import { describe, expect, it } from 'vitest';
import { renderToString } from 'react-dom/server';
import { VariablesPanel } from '../../../client/src/layout/variables-panel.tsx';
import { variablesLanguage } from '../../../server/kernel/variables.ts';

const render = (language: string | undefined) =>
  renderToString(<VariablesPanel conversationId="c1" version="v1" language={language} onInsert={() => {}} onClose={() => {}} />).replaceAll('<!-- -->', '');

describe('the variable explorer for kernels it cannot list', () => {
  it('says so plainly, naming the kernel’s language, instead of loading', () => {
    const html = render('julia');
    expect(html).toContain('lists the variables of Python and R kernels; this kernel (julia) is not one of them');
    expect(html).not.toContain('Loading');
    expect(html).not.toContain('No variables yet');
  });

  it('loads for Python and R kernels (and while the language is not known yet)', () => {
    for (const language of ['python', 'R', undefined]) {
      const html = render(language);
      expect(html).toContain('Loading');
      expect(html).not.toContain('is not one of them');
    }
  });

  it('agrees with the server about which languages are listed', () => {
    expect(['python', 'Python', 'R', 'r', 'julia', 'javascript', ''].map((language) => variablesLanguage(language) ?? null)).toEqual(['python', 'python', 'r', 'r', null, null, null]);
  });
});
