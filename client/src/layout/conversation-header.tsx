import type { KernelState } from '../protocol.ts';
import { Icon } from '../ui/icons.tsx';
import { KernelDot, kernelLabel } from '../ui/kernel-dot.tsx';
import { Menu, type MenuItem } from '../ui/menu.tsx';
import { PHONE_LAYOUT, useMediaQuery } from '../ui/use-media-query.ts';
import { DrawerButton } from './drawer-button.tsx';

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
  onToggleVariables: () => void;
  variablesOpen: boolean;
  onHelp: () => void;
  /** Present when the sidebar is a drawer: opens it. */
  onDrawer?: (() => void) | undefined;
  /** Present for the owner: opens the share dialog. */
  onShare?: (() => void) | undefined;
  /** A viewer's header: no kernel controls. */
  readOnly?: boolean;
}

/**
 * The open conversation's title, kernel state, and the kernel and export buttons. On phones the
 * title and kernel state stay, and the actions move into an overflow menu.
 */
export function ConversationHeader(props: ConversationHeaderProps) {
  const { title, kernel, kernelState, onDrawer } = props;
  const phone = useMediaQuery(PHONE_LAYOUT);
  return (
    <header className="conversation-header">
      {onDrawer ? <DrawerButton onOpen={onDrawer} /> : null}
      <h1 className="conversation-heading" title={title}>
        {title}
      </h1>
      <span className="kernel-badge" title={kernelLabel(kernelState)}>
        <KernelDot state={kernelState} />
        <span className="kernel-name">{kernel}</span>
        <span className="kernel-state">{kernelState ?? 'not started'}</span>
      </span>
      <span className="spacer" />
      {phone ? (
        <Menu label="Conversation actions" icon="more" className="icon-button header-menu-button" items={menuItems(props)} />
      ) : (
        <HeaderActions {...props} />
      )}
    </header>
  );
}

function menuItems({ notebookUrl, onInterrupt, onRestart, onRunAll, onToggleFiles, filesOpen, onToggleVariables, variablesOpen, onHelp, onShare, readOnly }: ConversationHeaderProps): MenuItem[] {
  const kernelItems: MenuItem[] = readOnly
    ? []
    : [
        { label: 'Run all', icon: 'play', onSelect: onRunAll, title: 'Run every code cell again, in order, in this kernel' },
        { label: 'Interrupt', icon: 'stop', onSelect: onInterrupt, title: 'Interrupt the running code (KeyboardInterrupt)' },
        { label: 'Restart kernel', icon: 'restart', onSelect: onRestart, title: 'Restart the kernel: all variables are lost' },
      ];
  return [
    ...kernelItems,
    ...(onShare ? [{ label: 'Share', icon: 'share', onSelect: onShare, title: 'Who can see this conversation, and a read-only link' } satisfies MenuItem] : []),
    { label: filesOpen ? 'Hide files' : 'Files', icon: 'paperclip', onSelect: onToggleFiles },
    { label: variablesOpen ? 'Hide variables' : 'Variables', icon: 'variables', onSelect: onToggleVariables },
    { label: 'Export notebook', icon: 'download', href: notebookUrl, download: true, title: 'Download this conversation as a Jupyter notebook (.ipynb)' },
    { label: 'Keyboard shortcuts', icon: 'keyboard', onSelect: onHelp },
  ];
}

function HeaderActions({ notebookUrl, onInterrupt, onRestart, onRunAll, onToggleFiles, filesOpen, onToggleVariables, variablesOpen, onShare, readOnly }: ConversationHeaderProps) {
  return (
    <div className="header-actions">
      {readOnly ? (
        <span className="read-only-badge" title="You can view this conversation but not run it">
          View only
        </span>
      ) : (
        <>
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
        </>
      )}
      {onShare ? (
        <button type="button" className="button ghost" onClick={onShare} title="Who can see this conversation, and a read-only link">
          <Icon name="share" />
          <span className="button-label">Share</span>
        </button>
      ) : null}
      <button type="button" className="button ghost" onClick={onToggleFiles} aria-expanded={filesOpen} title="The files in this conversation's workspace">
        <Icon name="paperclip" />
        <span className="button-label">Files</span>
      </button>
      <button type="button" className="button ghost" onClick={onToggleVariables} aria-expanded={variablesOpen} title="The variables in this conversation's kernel">
        <Icon name="variables" />
        <span className="button-label">Variables</span>
      </button>
      <a className="button ghost" href={notebookUrl} download title="Download this conversation as a Jupyter notebook (.ipynb)">
        <Icon name="download" />
        <span className="button-label">Export notebook</span>
      </a>
    </div>
  );
}
