import { useEffect, useLayoutEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { focusCell, neighbourCell } from '../keyboard/cell-focus.ts';
import { FileButton } from '../ui/file-button.tsx';
import { Icon } from '../ui/icons.tsx';
import { ModeToggle, type PromptMode } from './mode-toggle.tsx';

export interface PromptBoxProps {
  busy: boolean;
  /** False when the server has no model: asking is off and the box runs code. */
  canAsk: boolean;
  onAsk: (text: string) => void;
  onRun: (code: string) => void;
  onStop: () => void;
  /** Files for the conversation's workspace (the kernel's working directory): picked or pasted. */
  onUpload: (files: File[]) => void;
  /** The kernel's language as people name it (Python, R), for the placeholder. */
  language?: string;
  /** Text to insert at the caret (a name clicked in the variable explorer); a new `key` inserts again. */
  insert?: { text: string; key: number } | undefined;
  /** A viewer's box: nothing can be typed, sent or uploaded, and a note says why. */
  readOnly?: boolean;
}

const MAX_HEIGHT_PX = 320;

/**
 * The message box. Ask mode: Enter sends to the assistant, Shift+Enter is a new line.
 * Code mode: Enter is a new line, Shift+Enter runs. Ctrl/Cmd+Enter always runs as code.
 */
export function PromptBox({ busy, canAsk, onAsk, onRun, onStop, onUpload, language = 'Python', insert, readOnly = false }: PromptBoxProps) {
  const [text, setText] = useState('');
  const [chosenMode, setMode] = useState<PromptMode>('ask');
  const mode = canAsk ? chosenMode : 'code';
  const area = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const element = area.current;
    if (!insert || !element) return;
    const start = element.selectionStart ?? element.value.length;
    const end = element.selectionEnd ?? start;
    const value = element.value;
    setText(value.slice(0, start) + insert.text + value.slice(end));
    element.focus();
    requestAnimationFrame(() => element.setSelectionRange(start + insert.text.length, start + insert.text.length));
  }, [insert]);

  useLayoutEffect(() => {
    const element = area.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, MAX_HEIGHT_PX)}px`;
  }, [text]);

  const send = (as: PromptMode) => {
    if (!text.trim() || readOnly) return;
    if (as === 'ask') onAsk(text.trim());
    else onRun(text);
    setText('');
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Escape leaves the box for the newest cell (from there j / k / m work); the text stays.
    if (event.key === 'Escape' && !event.nativeEvent.isComposing) {
      if (focusCell(neighbourCell(undefined, -1))) event.preventDefault();
      return;
    }
    if (event.key !== 'Enter' || event.nativeEvent.isComposing) return;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      send('code');
    } else if (mode === 'ask' && !event.shiftKey) {
      event.preventDefault();
      send('ask');
    } else if (mode === 'code' && event.shiftKey) {
      event.preventDefault();
      send('code');
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    send(mode);
    area.current?.focus();
  };

  return (
    <form className={`prompt-box mode-${mode}${readOnly ? ' read-only' : ''}`} aria-label="Ask or run code" onSubmit={onSubmit}>
      {readOnly ? (
        <p className="read-only-note" role="note" id="read-only-note">
          You can view this conversation. Its owner can make you an editor to run code, ask or upload.
        </p>
      ) : null}
      <fieldset className="prompt-field" disabled={readOnly} {...(readOnly ? { 'aria-describedby': 'read-only-note' } : {})}>
        <FileButton label="Upload files" className="icon-button attach-button" multiple onFiles={onUpload}>
          <Icon name="paperclip" />
        </FileButton>
        <textarea
          ref={area}
          data-prompt
          aria-label="Message"
          rows={1}
          value={text}
          placeholder={mode === 'ask' ? 'Ask the assistant…' : `Write ${language} to run in the kernel…`}
          spellCheck={mode === 'ask'}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          onPaste={(event) => {
            // Pasted files (a screenshot, files copied in a file manager) are uploaded; text is text.
            const files = Array.from(event.clipboardData.files);
            if (files.length === 0) return;
            event.preventDefault();
            onUpload(files);
          }}
        />
        <div className="prompt-actions">
          {busy && !readOnly ? (
            <button type="button" className="button stop-button" onClick={onStop}>
              <Icon name="stop" />
              <span className="button-label">Stop</span>
            </button>
          ) : null}
          <button type="submit" className="button primary send-button" disabled={!text.trim()}>
            <Icon name={mode === 'ask' ? 'send' : 'play'} />
            <span className="button-label">{mode === 'ask' ? 'Send' : 'Run'}</span>
          </button>
        </div>
      </fieldset>
      <div className="prompt-footer">
        <ModeToggle mode={mode} onChange={setMode} canAsk={canAsk} />
        <p className="prompt-hint">
          {mode === 'ask' ? (
            <>
              <kbd>Enter</kbd> send · <kbd>Shift</kbd>+<kbd>Enter</kbd> new line · <kbd>Ctrl</kbd>+<kbd>Enter</kbd> run as code
            </>
          ) : (
            <>
              <kbd>Shift</kbd>+<kbd>Enter</kbd> or <kbd>Ctrl</kbd>+<kbd>Enter</kbd> run · <kbd>Enter</kbd> new line
            </>
          )}
        </p>
      </div>
    </form>
  );
}
