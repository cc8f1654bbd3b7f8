import type { KernelState } from '../protocol.ts';
import { Icon } from '../ui/icons.tsx';
import { KernelDot, kernelLabel } from '../ui/kernel-dot.tsx';

export interface ConversationHeaderProps {
  title: string;
  kernel: string;
  kernelState: KernelState | undefined;
  notebookUrl: string;
  onInterrupt: () => void;
  onRestart: () => void;
  onRunAll: () => void;
  onToggleFiles: () => void;
  filesOpen: boolean;
}

/** The open conversation's title, kernel state, and the kernel and export buttons. */
export function ConversationHeader({ title, kernel, kernelState, notebookUrl, onInterrupt, onRestart, onRunAll, onToggleFiles, filesOpen }: ConversationHeaderProps) {
  return (
    <header className="conversation-header">
      <h1 className="conversation-heading" title={title}>
        {title}
      </h1>
      <span className="kernel-badge" title={kernelLabel(kernelState)}>
        <KernelDot state={kernelState} />
        <span className="kernel-name">{kernel}</span>
        <span className="kernel-state">{kernelState ?? 'not started'}</span>
      </span>
      <span className="spacer" />
      <div className="header-actions">
        <button type="button" className="button ghost" onClick={onRunAll} title="Run every code cell again, in order, in this kernel">
          <Icon name="play" />
          <span className="button-label">Run all</span>
        </button>
        <button type="button" className="button ghost" onClick={onInterrupt} title="Interrupt the running code (KeyboardInterrupt)">
          <Icon name="stop" />
          <span className="button-label">Interrupt</span>
        </button>
        <button type="button" className="button ghost" onClick={onRestart} title="Restart the kernel: all variables are lost">
          <Icon name="restart" />
          <span className="button-label">Restart kernel</span>
        </button>
        <button type="button" className="button ghost" onClick={onToggleFiles} aria-expanded={filesOpen} title="The files in this conversation's workspace">
          <Icon name="paperclip" />
          <span className="button-label">Files</span>
        </button>
        <a className="button ghost" href={notebookUrl} download title="Download this conversation as a Jupyter notebook (.ipynb)">
          <Icon name="download" />
          <span className="button-label">Export notebook</span>
        </a>
      </div>
    </header>
  );
}
