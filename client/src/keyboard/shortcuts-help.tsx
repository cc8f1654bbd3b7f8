import { Fragment } from 'react';
import { Icon } from '../ui/icons.tsx';
import { Sheet } from '../ui/sheet.tsx';
import { PHONE_LAYOUT, useMediaQuery } from '../ui/use-media-query.ts';
import { setSingleKeyShortcuts, useSingleKeyShortcuts } from './shortcut-setting.ts';
import { SHORTCUT_GROUPS, type ShortcutHelp } from './shortcuts.ts';

/** The `?` sheet: every keyboard shortcut, and the switch for the single-key ones. */
export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const phone = useMediaQuery(PHONE_LAYOUT);
  const singleKeys = useSingleKeyShortcuts();
  return (
    <Sheet label="Keyboard shortcuts" side={phone ? 'bottom' : 'center'} onClose={onClose} className="shortcuts-help">
      <div className="sheet-head">
        <h2>Keyboard shortcuts</h2>
        <button type="button" className="icon-button" aria-label="Close shortcuts" title="Close" onClick={onClose}>
          <Icon name="x" />
        </button>
      </div>
      <div className="sheet-body">
        <p className="shortcuts-intro">Everything works with Tab, Shift+Tab, Enter, Space and Escape. These keys make the frequent things quicker.</p>
        {SHORTCUT_GROUPS.map((group) => (
          <section key={group.title} className="shortcut-group" aria-label={group.title}>
            <h3>
              {group.title} <span className="shortcut-where">({group.where})</span>
            </h3>
            <dl>
              {group.shortcuts.map((shortcut) => (
                <div key={shortcut.does} className="shortcut-row">
                  <dt>
                    <Keys shortcut={shortcut} />
                  </dt>
                  <dd>{shortcut.does}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
        <label className="shortcuts-toggle">
          <input type="checkbox" checked={singleKeys} onChange={(event) => setSingleKeyShortcuts(event.target.checked)} />
          Single-key shortcuts anywhere on the page (<kbd>/</kbd>, <kbd>?</kbd>, <kbd>i</kbd> <kbd>i</kbd>)
        </label>
      </div>
    </Sheet>
  );
}

/** `Shift`+`Enter` or `Ctrl`+`Enter`; a sequence (`i` `i`) when there is no alternative. */
function Keys({ shortcut }: { shortcut: ShortcutHelp }) {
  const sequence = shortcut.keys.length > 1 && shortcut.keys.every((keys) => keys.length === 1 && keys[0] === shortcut.keys[0]![0]);
  return (
    <>
      {shortcut.keys.map((combo, index) => (
        <Fragment key={index}>
          {index > 0 ? (sequence ? ' ' : <span className="shortcut-or"> or </span>) : null}
          {combo.map((key, at) => (
            <Fragment key={key}>
              {at > 0 ? '+' : null}
              <kbd>{key}</kbd>
            </Fragment>
          ))}
        </Fragment>
      ))}
    </>
  );
}
