import { useId } from 'react';
import { Icon } from '../ui/icons.tsx';

export type PromptMode = 'ask' | 'code';

/** Ask the assistant, or run the box as code: native radios (arrow keys work) styled as a switch. */
export function ModeToggle({ mode, onChange, canAsk }: { mode: PromptMode; onChange: (mode: PromptMode) => void; canAsk: boolean }) {
  const name = useId();
  return (
    <fieldset className="mode-toggle">
      <legend className="visually-hidden">Send as</legend>
      <label title={canAsk ? 'Send to the assistant' : 'No model is configured on the server'}>
        <input type="radio" name={name} value="ask" checked={mode === 'ask'} disabled={!canAsk} onChange={() => onChange('ask')} />
        <Icon name="chat" />
        Ask
      </label>
      <label title="Run as code in the kernel">
        <input type="radio" name={name} value="code" checked={mode === 'code'} onChange={() => onChange('code')} />
        <Icon name="code" />
        Code
      </label>
    </fieldset>
  );
}
