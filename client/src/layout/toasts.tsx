import { useEffect } from 'react';
import type { Toast } from '../state/conversation-state.ts';
import { Icon } from '../ui/icons.tsx';

const TOAST_MS = 10_000;

/** Errors from the server (a refused request, a failed turn), dismissed by hand or after a while. */
export function Toasts({ toasts, onDismiss }: { toasts: readonly Toast[]; onDismiss: (key: number) => void }) {
  return (
    <div className="toasts" role="alert" aria-live="assertive">
      {toasts.map((toast) => (
        <ToastItem key={toast.key} toast={toast} onDismiss={onDismiss} />
      ))}
    </div>
  );
}

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: (key: number) => void }) {
  useEffect(() => {
    const timer = setTimeout(() => onDismiss(toast.key), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast.key, onDismiss]);
  return (
    <div className={`toast toast-${toast.level}`}>
      <span>{toast.text}</span>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => onDismiss(toast.key)}>
        <Icon name="x" />
      </button>
    </div>
  );
}
