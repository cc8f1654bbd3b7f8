import { memo, useRef, useState } from 'react';
import type { CodeCell as CodeCellData } from '../protocol.ts';
import { CellEditor } from './cell-editor.tsx';
import { OutputArea } from '../outputs/output-area.tsx';
import { ConfirmDialog } from '../ui/confirm-dialog.tsx';
import { cellAfterRemoving, focusCell } from '../keyboard/cell-focus.ts';
import { copyText, CopyButton } from '../ui/copy-button.tsx';
import { Icon } from '../ui/icons.tsx';
import { Menu, type MenuItem } from '../ui/menu.tsx';
import { CellStatus } from './cell-status.tsx';
import { CodeSource } from './code-source.tsx';
import { useLiveCells } from './live-cells.ts';
import { StdinField } from './stdin-field.tsx';
import { useCheckpointActions, type CheckpointActions } from './checkpoint-actions.tsx';
import { CheckpointFooter } from './checkpoint-footer.tsx';
import { CellByLabel } from './cell-by-label.tsx';
import { useMe } from './participants.ts';
import { useCanEdit } from './can-edit.ts';

export interface CodeCellProps {
  cell: CodeCellData;
  /** Edit-and-run-again: runs `code` as this cell's new source. */
  onRun: (code: string, cellId: string) => void;
  /** Whether restoring state replays this cell. */
  onSetNoReplay: (cellId: string, noReplay: boolean) => void;
  /** The kernel's language (`python`, `R`), for highlighting. */
  language?: string | undefined;
  /** Remove the cell from the conversation (and so from the exported notebook); absent while a request runs. */
  onDelete: ((cellId: string) => void) | undefined;
  /** A restore is replaying this cell now, or the last restore stopped here because it failed. */
  replay?: 'replaying' | 'failed' | undefined;
}

const deleteLater = 'Cells can be deleted once the running request ends';

function promptLabel(cell: CodeCellData): string {
  if (cell.status === 'running') return '*';
  return cell.executionCount === null ? ' ' : String(cell.executionCount);
}

const STATUS_WORDS: Record<CodeCellData['status'], string> = {
  queued: 'queued',
  running: 'running',
  ok: 'done',
  error: 'error',
  interrupted: 'interrupted',
};

/** What a screen reader hears for the cell: execution count, author and status. */
export function codeCellLabel(cell: CodeCellData): string {
  const count = cell.executionCount === null || cell.status === 'running' ? '' : ` [${cell.executionCount}]`;
  if (cell.imported) return `Code cell${count} from an imported notebook, not run here yet`;
  return `Code cell${count} by ${cell.author === 'user' ? 'you' : 'the assistant'}, ${STATUS_WORDS[cell.status]}${cell.stale ? ', stale' : ''}`;
}

/** `Uses x and y, which an earlier cell changed when it ran again: run this cell again to update it`. */
function staleTitle(cell: CodeCellData): string {
  const names = cell.staleBecause?.names ?? [];
  const what = names.length ? `Uses ${names.join(', ')}, which an earlier cell changed` : 'An earlier cell it reads from ran again';
  return `${what}: its outputs may no longer hold. Run it again (or Run stale cells) to update it.`;
}

/** Undo (on the cell `undo` would undo) and Branch from here, when the page offers them. */
function checkpointItems(cell: CodeCellData, actions: CheckpointActions | undefined): MenuItem[] {
  if (!actions) return [];
  const items: MenuItem[] = [];
  if (actions.undoableCellId === cell.id) {
    items.push({
      label: 'Undo this cell',
      icon: 'undo',
      disabled: actions.busy,
      title: actions.busy ? 'Undo once the running request ends' : 'Put the kernel (and the files) back as they were before this cell',
      onSelect: actions.undo,
    });
  }
  items.push({ label: 'Branch from here', icon: 'branch', title: 'A new conversation with the cells up to this one, its variables and files', onSelect: () => actions.branch(cell.id) });
  return items;
}

/**
 * A code cell: who wrote it, `[n]`, live status, highlighted source, outputs. Its actions are in
 * the toolbar (larger screens) and in its menu (every screen; `m` opens it from the keyboard).
 */
export const CodeCell = memo(function CodeCell({ cell, onRun, onSetNoReplay, onDelete, replay, language }: CodeCellProps) {
  const [collapsed, setCollapsed] = useState(false);
  const [editing, setEditing] = useState(false);
  const me = useMe();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const article = useRef<HTMLElement>(null);
  const live = useLiveCells();
  const prompt = live.stdin?.cellId === cell.id && cell.status === 'running' ? live.stdin : undefined;
  const checkpoints = useCheckpointActions();
  const canEdit = useCanEdit();
  // Leaving the editor (run or Escape) puts focus back on the cell, never on the page's body.
  const stopEditing = () => {
    setEditing(false);
    article.current?.focus({ preventScroll: true });
  };
  const startEditing = () => {
    setCollapsed(false);
    setEditing(true);
  };

  const count = promptLabel(cell);
  const lines = cell.source.split('\n');

  return (
    <article
      ref={article}
      tabIndex={0}
      className={`cell code-cell author-${cell.author} status-${cell.status}${replay ? ` replay-${replay}` : ''}${cell.noReplay ? ' no-replay' : ''}${cell.stale ? ' stale' : ''}${cell.undone ? ' undone' : ''}`}
      aria-label={codeCellLabel(cell)}
      data-cell-id={cell.id}
    >
      <div className="cell-gutter execution-count" title="Execution count">
        [{count}]
      </div>
      <div className="cell-main">
        <header className="cell-header">
          <span className="cell-count" aria-hidden="true">
            [{count}]
          </span>
          {cell.imported ? (
            // The notebook's own word on who wrote it is not taken: it has not run here.
            <span className="author-badge author-imported" title="From an imported notebook: not run here yet, never replayed until it is">
              <Icon name="upload" />
              Imported
            </span>
          ) : (
            <span className={`author-badge author-${cell.author}`}>
              <Icon name={cell.author === 'user' ? 'code' : 'bolt'} />
              {cell.author === 'user' ? (cell.by && me && cell.by.userId !== me ? cell.by.name : 'You') : 'Assistant'}
            </span>
          )}
          <CellByLabel cell={cell} />
          <CellStatus cell={cell} />
          {replay === 'replaying' ? (
            <span className="replay-badge">
              <span className="spinner" aria-hidden="true" />
              Replaying
            </span>
          ) : replay === 'failed' ? (
            <span className="replay-badge replay-failed-badge" title="Restoring state stopped here: this cell failed when replayed">
              Failed on restore
            </span>
          ) : null}
          {cell.stale ? (
            <span className="replay-badge stale-badge" title={staleTitle(cell)}>
              Stale
            </span>
          ) : null}
          {cell.undone ? (
            <span className="replay-badge undone-badge" title="Undone: the kernel went back to the checkpoint before this cell; it is never replayed">
              Undone
            </span>
          ) : null}
          {cell.noReplay ? (
            <span className="replay-badge no-replay-badge" title="Restoring state does not run this cell again">
              Skipped on restore
            </span>
          ) : null}
          <span className="spacer" />
          {canEdit ? (
          <button
            type="button"
            className={`icon-button cell-tool${cell.noReplay ? ' pressed' : ''}`}
            aria-pressed={Boolean(cell.noReplay)}
            aria-label="Don't replay when restoring state"
            title={cell.noReplay ? 'Restoring state skips this cell (click to replay it again)' : "Don't replay this cell when restoring state"}
            onClick={() => onSetNoReplay(cell.id, !cell.noReplay)}
          >
            <Icon name="replayOff" />
          </button>
          ) : null}
          <button
            type="button"
            className="icon-button cell-tool"
            aria-expanded={!collapsed}
            aria-label={collapsed ? 'Expand cell' : 'Collapse cell'}
            title={collapsed ? 'Expand' : 'Collapse'}
            onClick={() => setCollapsed(!collapsed)}
          >
            <Icon name={collapsed ? 'chevronRight' : 'chevronDown'} />
          </button>
          <CopyButton text={cell.source} className="icon-button cell-tool" />
          {canEdit ? (
          <button type="button" className="icon-button cell-tool" aria-label="Edit and run again" title="Edit and run again" data-cell-edit onClick={startEditing}>
            <Icon name="pencil" />
          </button>
          ) : null}
          {canEdit ? (
          <button
            type="button"
            className="icon-button cell-tool"
            aria-label="Delete cell"
            title={onDelete ? 'Delete cell' : deleteLater}
            disabled={!onDelete}
            onClick={() => setConfirmDelete(true)}
          >
            <Icon name="trash" />
          </button>
          ) : null}
          <Menu
            label="Cell actions"
            icon="more"
            name="cell"
            className="icon-button cell-menu-button"
            items={
              canEdit
                ? [
                    { label: 'Edit and run again', icon: 'pencil', onSelect: startEditing },
                    { label: 'Copy code', icon: 'copy', onSelect: () => void copyText(cell.source).catch(() => {}) },
                    { label: collapsed ? 'Expand cell' : 'Collapse cell', icon: collapsed ? 'chevronRight' : 'chevronDown', onSelect: () => setCollapsed(!collapsed) },
                    { label: 'Replay when restoring state', icon: 'restart', checked: !cell.noReplay, onSelect: () => onSetNoReplay(cell.id, !cell.noReplay) },
                    ...checkpointItems(cell, checkpoints),
                    { label: 'Delete cell', icon: 'trash', danger: true, disabled: !onDelete, title: onDelete ? undefined : deleteLater, onSelect: () => setConfirmDelete(true) },
                  ]
                : [
                    // A viewer reads and copies; changing the cells is the owner's and editors'.
                    { label: 'Copy code', icon: 'copy', onSelect: () => void copyText(cell.source).catch(() => {}) },
                    { label: collapsed ? 'Expand cell' : 'Collapse cell', icon: collapsed ? 'chevronRight' : 'chevronDown', onSelect: () => setCollapsed(!collapsed) },
                  ]
            }
          />
        </header>
        {confirmDelete ? (
          <ConfirmDialog
            title="Delete this cell?"
            confirmLabel="Delete"
            danger
            onCancel={() => setConfirmDelete(false)}
            onConfirm={() => {
              setConfirmDelete(false);
              const next = article.current ? cellAfterRemoving(article.current) : undefined;
              onDelete?.(cell.id);
              // The dialog would hand focus back to a button that is about to go: the next cell gets it.
              requestAnimationFrame(() => focusCell(next));
            }}
          >
            Its code and outputs leave the conversation and the exported notebook. What it defined stays in the kernel until it restarts.
          </ConfirmDialog>
        ) : null}
        {collapsed ? (
          <button type="button" className="collapsed-summary" onClick={() => setCollapsed(false)}>
            <code>{lines[0]}</code>
            <span>
              {lines.length > 1 ? ` … ${lines.length} lines` : ''}
              {cell.outputs.length ? ` · ${cell.outputs.length} output${cell.outputs.length === 1 ? '' : 's'} hidden` : ''}
            </span>
          </button>
        ) : (
          <>
            {editing ? (
              <CellEditor
                source={cell.source}
                language={language}
                onRun={(code) => {
                  stopEditing();
                  onRun(code, cell.id);
                }}
                onCancel={stopEditing}
              />
            ) : (
              <CodeSource source={cell.source} language={language} />
            )}
            {cell.outputs.length ? <OutputArea outputs={cell.outputs} executionCount={cell.executionCount} /> : null}
            {prompt ? <StdinField key={`${prompt.prompt}:${cell.outputs.length}`} prompt={prompt} author={cell.author} onAnswer={(value) => live.answer(cell.id, value)} /> : null}
            {cell.failure ? <div className="cell-failure">{cell.failure}</div> : null}
            <CheckpointFooter cell={cell} />
            {cell.outputTruncated ? (
              <div className="cell-note">Output was cut here: this cell printed more than Talkbook keeps.</div>
            ) : null}
          </>
        )}
      </div>
    </article>
  );
});
