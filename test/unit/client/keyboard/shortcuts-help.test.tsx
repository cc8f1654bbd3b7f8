import { describe, expect, it } from 'vitest';
import { renderToString } from 'react-dom/server';
import { ShortcutsHelp } from '../../../../client/src/keyboard/shortcuts-help.tsx';
import { isPlainKey, SHORTCUT_GROUPS } from '../../../../client/src/keyboard/shortcuts.ts';

describe('the shortcuts help', () => {
  it('lists every shortcut with its keys, in a labelled dialog', () => {
    const html = renderToString(<ShortcutsHelp onClose={() => {}} />);
    expect(html).toContain('aria-label="Keyboard shortcuts"');
    for (const group of SHORTCUT_GROUPS) {
      expect(html).toContain(group.title);
      for (const shortcut of group.shortcuts) {
        expect(html).toContain(`<dd>${shortcut.does}</dd>`);
        for (const combo of shortcut.keys) for (const key of combo) expect(html).toContain(`<kbd>${key}</kbd>`);
      }
    }
    // The frequent actions the issue names all have a key.
    const does = SHORTCUT_GROUPS.flatMap((group) => group.shortcuts.map((shortcut) => shortcut.does)).join(' | ');
    for (const action of ['Focus the message box', 'Run as code', 'Interrupt the kernel', 'Next cell', 'Previous cell', 'Open the cell’s menu', 'Cancel and leave the editor']) {
      expect(does).toContain(action);
    }
  });

  it('single-key shortcuts ignore Ctrl, Alt and Meta combinations', () => {
    expect(isPlainKey({ ctrlKey: false, altKey: false, metaKey: false })).toBe(true);
    expect(isPlainKey({ ctrlKey: true, altKey: false, metaKey: false })).toBe(false);
    expect(isPlainKey({ ctrlKey: false, altKey: false, metaKey: true })).toBe(false);
  });
});
