/** One line of the shortcuts help: the keys (alternatives separated by " or ") and what they do. */
export interface ShortcutHelp {
  keys: readonly string[][];
  does: string;
}

export interface ShortcutGroup {
  title: string;
  /** When the keys work. */
  where: string;
  shortcuts: readonly ShortcutHelp[];
}

/**
 * Every shortcut, for the `?` help sheet and client/README.md. Single keys never act while a
 * text field has focus, and the page-wide ones can be turned off (WCAG 2.1.4).
 */
export const SHORTCUT_GROUPS: readonly ShortcutGroup[] = [
  {
    title: 'Anywhere on the page',
    where: 'outside a text field',
    shortcuts: [
      { keys: [['/']], does: 'Focus the message box' },
      { keys: [['i'], ['i']], does: 'Interrupt the kernel (press i twice)' },
      { keys: [['?']], does: 'Show these shortcuts' },
    ],
  },
  {
    title: 'On a cell',
    where: 'when a cell or one of its buttons has focus',
    shortcuts: [
      { keys: [['j']], does: 'Next cell' },
      { keys: [['k']], does: 'Previous cell' },
      { keys: [['m'], ['Shift', 'F10']], does: 'Open the cell’s menu' },
      { keys: [['Enter']], does: 'Edit a code cell and run it again (on the cell itself)' },
    ],
  },
  {
    title: 'Message box',
    where: 'while typing',
    shortcuts: [
      { keys: [['Enter']], does: 'Send to the assistant (Ask mode)' },
      { keys: [['Ctrl', 'Enter']], does: 'Run as code in the kernel' },
      { keys: [['Shift', 'Enter']], does: 'New line (Ask mode) · run (Code mode)' },
      { keys: [['Escape']], does: 'Leave the box for the newest cell' },
    ],
  },
  {
    title: 'Code editor',
    where: 'while editing a cell',
    shortcuts: [
      { keys: [['Shift', 'Enter'], ['Ctrl', 'Enter']], does: 'Run the cell again' },
      { keys: [['Escape']], does: 'Cancel and leave the editor' },
    ],
  },
  {
    title: 'Menus, dialogs, drawer',
    where: 'while open',
    shortcuts: [
      { keys: [['↑'], ['↓']], does: 'Move between menu items' },
      { keys: [['Escape']], does: 'Close' },
    ],
  },
];

/** Whether keys typed at `target` are text (a field, CodeMirror): single-key shortcuts stay out of the way. */
export function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest('[contenteditable="true"], .cm-editor')) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['button', 'checkbox', 'radio', 'submit', 'reset', 'file', 'range', 'color'].includes(target.type);
  return false;
}

/** A plain key press: no Ctrl, Alt or Meta (Shift is part of `?`). */
export function isPlainKey(event: { ctrlKey: boolean; altKey: boolean; metaKey: boolean }): boolean {
  return !event.ctrlKey && !event.altKey && !event.metaKey;
}
