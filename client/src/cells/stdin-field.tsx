import { useEffect, useId, useRef, useState } from 'react';
import type { CodeCell, StdinPrompt } from '../protocol.ts';

export interface StdinFieldProps {
  prompt: StdinPrompt;
  author: CodeCell['author'];
  onAnswer: (value: string) => void;
}

/**
 * The prompt of a running cell's `input()` (or `getpass()`, masked): its text, a field, Enter
 * sends. It takes focus when it appears. Any tab may answer; the first answer wins.
 */
export function StdinField({ prompt, author, onAnswer }: StdinFieldProps) {
  const [value, setValue] = useState('');
  const [sent, setSent] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  useEffect(() => {
    input.current?.focus({ preventScroll: false });
  }, []);
  const label = prompt.prompt.trim() || (prompt.password ? 'Password:' : 'Input:');
  return (
    <form
      className="stdin-field"
      aria-label="The code asks for input"
      onSubmit={(event) => {
        event.preventDefault();
        if (sent) return;
        setSent(true);
        onAnswer(value);
      }}
    >
      {author === 'assistant' ? <p className="stdin-note">The assistant’s code is waiting for your answer.</p> : null}
      <label htmlFor={id} className="stdin-prompt">
        {label}
      </label>
      <input
        ref={input}
        id={id}
        className="stdin-input"
        type={prompt.password ? 'password' : 'text'}
        autoComplete={prompt.password ? 'current-password' : 'off'}
        spellCheck={false}
        value={value}
        disabled={sent}
        onChange={(event) => setValue(event.target.value)}
      />
      <span className="stdin-hint">Enter sends</span>
    </form>
  );
}
