import { useEffect, useState } from 'react';
import { Icon } from './icons.tsx';

/** Puts `text` on the clipboard (a hidden textarea where the Clipboard API is missing). */
export async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  // Plain-http hosts have no Clipboard API: fall back to a hidden textarea.
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

/** Copies `text`; says "Copied" for a moment. */
export function CopyButton({ text, label = 'Copy code', className = 'icon-button' }: { text: string; label?: string; className?: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <button
      type="button"
      className={className}
      aria-label={copied ? 'Copied' : label}
      title={copied ? 'Copied' : label}
      onClick={() => copyText(text).then(() => setCopied(true), () => setCopied(false))}
    >
      <Icon name={copied ? 'check' : 'copy'} />
    </button>
  );
}
