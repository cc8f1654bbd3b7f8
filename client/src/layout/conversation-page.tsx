import { formatBytes } from '../ui/format-bytes.ts';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../api/conversations-api.ts';
import type { Cell, KernelSpecList, ServerFrame } from '../protocol.ts';
import { LiveAnnouncer } from '../announce/live-announcer.tsx';
import { usePageShortcuts } from '../keyboard/use-page-shortcuts.ts';
import { PromptBox } from '../prompt/prompt-box.tsx';
import { isBusy, replayMark } from '../state/conversation-state.ts';
import { useConversation } from '../state/use-conversation.ts';
import { ConfirmDialog } from '../ui/confirm-dialog.tsx';
import { useUploads } from '../state/use-uploads.ts';
import { UploadProgress } from '../ui/upload-progress.tsx';
import { ConnectionBanner } from './connection-banner.tsx';
import { ConversationHeader } from './conversation-header.tsx';
import { DropZone } from './drop-zone.tsx';
import { FilesPanel } from './files-panel.tsx';
import { VariablesPanel } from './variables-panel.tsx';
import { Notebook } from './notebook.tsx';
import { CanEditContext } from '../cells/can-edit.ts';
import { LiveCellsContext, type LiveCells } from '../cells/live-cells.ts';
import { CheckpointActionsContext } from '../cells/checkpoint-actions.tsx';
import { navigate } from '../router/use-route.ts';
import { RestoreBanner } from './restore-banner.tsx';
import { StorageBanner } from './storage-banner.tsx';
import { StaleBanner } from './stale-banner.tsx';
import { Toasts } from './toasts.tsx';
import { ParticipantsContext, showsParticipants } from '../cells/participants.ts';
import { sharingApi } from '../api/sharing-api.ts';
import { ShareDialog } from '../sharing/share-dialog.tsx';

export interface ConversationPageProps {
  id: string;
  /** Open at this cell (a search result's match, `#cell-…` in the address). */
  cellId?: string | undefined;
  canAsk: boolean;
  /** The server's kernel specs, for the conversation kernel's display name and language. */
  kernelspecs?: KernelSpecList | undefined;
  onFrame: (id: string, frame: ServerFrame) => void;
  onHelp: () => void;
  /** Present when the sidebar is a drawer: opens it. */
  onDrawer?: (() => void) | undefined;
  /** The signed-in person's id, when known (cells someone else ran say who). */
  userId?: string | undefined;
}

/** One open conversation: header, notebook, prompt box; live over its WebSocket. */
export function ConversationPage({ id, cellId, canAsk, kernelspecs, onFrame, onHelp, onDrawer, userId }: ConversationPageProps) {
  const { load, state, connection, send, dispatch } = useConversation(id, (frame) => onFrame(id, frame));
  const [confirmRestart, setConfirmRestart] = useState(false);
  const [panel, setPanel] = useState<'files' | 'variables' | undefined>(undefined);
  const filesOpen = panel === 'files';
  const [insert, setInsert] = useState<{ text: string; key: number } | undefined>(undefined);
  const insertName = useCallback((name: string) => setInsert((last) => ({ text: name, key: (last?.key ?? 0) + 1 })), []);
  const [filesVersion, setFilesVersion] = useState(0);
  const [sharing, setSharing] = useState(false);
  /** The owner's: whether anyone else has access (a share or the link); others are in a shared conversation by definition. */
  const [sharedByMe, setSharedByMe] = useState(false);
  const access = state?.access;
  useEffect(() => {
    if (access !== 'owner') return;
    let cancelled = false;
    sharingApi.list(id).then((list) => !cancelled && setSharedByMe(list.shares.length > 0 || list.link), () => {});
    return () => {
      cancelled = true;
    };
  }, [id, access]);
  const cellsNow = state?.cells;
  const participants = useMemo(() => ({ labels: showsParticipants(cellsNow ?? [], access !== undefined && (access !== 'owner' || sharedByMe)), me: userId }), [cellsNow, access, sharedByMe, userId]);

  const title = state?.title;
  useEffect(() => {
    document.title = title !== undefined ? `${title} · Talkbook` : 'Talkbook';
  }, [title]);

  const report = useCallback(
    (error: unknown) => dispatch({ type: 'toast', level: 'error', text: error instanceof Error ? error.message : String(error) }),
    [dispatch],
  );
  const runCell = useCallback((code: string, cellId: string) => send({ type: 'run', code, cellId }), [send]);
  const setNoReplay = useCallback((cellId: string, noReplay: boolean) => send({ type: 'set_cell', cellId, noReplay }), [send]);
  const deleteCell = useCallback((cellId: string) => send({ type: 'delete_cell', cellId }), [send]);
  const stdin = state?.stdin;
  const live = useMemo<LiveCells>(() => ({ stdin, answer: (cellId, value) => send({ type: 'stdin_reply', cellId, value }) }), [stdin, send]);
  const dismiss = useCallback((key: number) => dispatch({ type: 'dismiss', key }), [dispatch]);
  const interrupt = useCallback(() => void api.interrupt(id).catch(report), [id, report]);
  usePageShortcuts({ interrupt, prompt: true });
  const undo = useCallback(() => send({ type: 'undo' }), [send]);
  const branch = useCallback(
    (cellId: string) =>
      void api.branch(id, cellId).then((created) => navigate({ name: 'conversation', id: created.id }), report),
    [id, report],
  );
  const undoable = state ? undoableCell(state.cells) : undefined;
  const stateBusy = state ? isBusy(state) : false;
  const checkpointActions = useMemo(
    () => ({ conversationId: id, undoableCellId: undoable, busy: stateBusy, undo, branch }),
    [id, undoable, stateBusy, undo, branch],
  );

  const uploads = useUploads(id, {
    stored: (stored) => {
      setFilesVersion((version) => version + 1);
      dispatch({ type: 'toast', level: 'info', text: `Uploaded ${stored.name} (${formatBytes(stored.size)}).` });
    },
    failed: report,
  });

  if (load.kind === 'missing') return <PageMessage title="Conversation not found" text="It may have been deleted. Pick another one or start a new conversation." />;
  if (load.kind === 'failed') return <PageMessage title="Could not open this conversation" text={load.message} />;
  if (!state) return <div className="page-loading" aria-busy="true"><span className="spinner" /> Loading…</div>;

  const busy = isBusy(state);
  const spec = kernelspecs?.kernelspecs.find((candidate) => candidate.name === state.kernel);
  const readOnly = state.access === 'viewer';
  return (
    <DropZone className={`conversation-page${readOnly ? ' read-only' : ''}`} hint="Drop files to upload them to this conversation’s workspace" onFiles={readOnly ? () => report(new Error('You can view this conversation but not upload to it.')) : uploads.add}>
      <ConversationHeader
        title={state.title}
        kernel={spec?.displayName ?? state.kernel}
        kernelState={state.kernelState}
        notebookUrl={api.notebookUrl(id)}
        onInterrupt={interrupt}
        onRestart={() => setConfirmRestart(true)}
        onRunAll={() => send({ type: 'run_all' })}
        onToggleFiles={() => setPanel((open) => (open === 'files' ? undefined : 'files'))}
        filesOpen={filesOpen}
        onToggleVariables={() => setPanel((open) => (open === 'variables' ? undefined : 'variables'))}
        variablesOpen={panel === 'variables'}
        onHelp={onHelp}
        onDrawer={onDrawer}
        onShare={state.access === 'owner' ? () => setSharing(true) : undefined}
        readOnly={readOnly}
      />
      {sharing ? <ShareDialog conversationId={id} title={state.title} onClose={() => setSharing(false)} onShared={setSharedByMe} /> : null}
      {filesOpen ? <FilesPanel conversationId={id} version={`${filesVersion}:${workspaceChange(state.cells)}`} onClose={() => setPanel(undefined)} /> : null}
      {panel === 'variables' ? (
        <VariablesPanel
          conversationId={id}
          version={`${workspaceChange(state.cells)}:${state.activeTurns.length}:${state.kernelState === 'dead' || state.kernelState === 'restarting' ? 'gone' : 'up'}`}
          language={spec?.language}
          onInsert={insertName}
          onClose={() => setPanel(undefined)}
        />
      ) : null}
      <ConnectionBanner status={connection} />
      <StorageBanner error={state.storageError} />
      <LiveAnnouncer cells={state.cells} busy={busy} />
      <ParticipantsContext.Provider value={participants}>
      <LiveCellsContext.Provider value={live}>
      <CanEditContext.Provider value={!readOnly}>
      <CheckpointActionsContext.Provider value={checkpointActions}>
      <Notebook
        cells={state.cells}
        busy={busy}
        onRun={runCell}
        onSetNoReplay={setNoReplay}
        onDelete={deleteCell}
        language={spec?.language}
        replayMark={replayMark(state)}
        target={cellId}
        empty={
          <div className="notebook-empty">
            <h2>{canAsk ? 'Ask anything, or run code' : 'Run some code'}</h2>
            <p>
              {canAsk
                ? 'The assistant writes and runs Python in this conversation’s own Jupyter kernel. Variables persist between cells.'
                : 'Code runs in this conversation’s own Jupyter kernel. Variables persist between cells.'}
            </p>
            {canAsk ? null : (
              <p className="notebook-empty-hint">
                To ask an assistant as well, start Talkbook with <code>OPENAI_API_KEY</code> or <code>OPENAI_BASE_URL</code> set.
              </p>
            )}
          </div>
        }
      />
      </CheckpointActionsContext.Provider>
      </CanEditContext.Provider>
      </LiveCellsContext.Provider>
      </ParticipantsContext.Provider>
      <div className="prompt-dock">
        <Toasts toasts={state.toasts} onDismiss={dismiss} />
        {uploads.upload ? <UploadProgress upload={uploads.upload} onCancel={uploads.cancel} /> : null}
        <RestoreBanner
          stateLost={state.stateLost}
          restore={state.restore}
          cells={state.cells}
          onRestore={() => send({ type: 'restore' })}
          onCancel={() => send({ type: 'cancel' })}
        />
        {readOnly ? null : <StaleBanner cells={state.cells} busy={busy} onRunStale={() => send({ type: 'run_stale' })} />}
        <PromptBox
          busy={busy}
          canAsk={canAsk}
          onAsk={(text) => send({ type: 'ask', text })}
          onRun={(code) => send({ type: 'run', code })}
          onStop={() => send({ type: 'cancel' })}
          onUpload={uploads.add}
          language={languageName(spec?.language)}
          insert={insert}
          readOnly={readOnly}
        />
      </div>
      {confirmRestart ? (
        <ConfirmDialog
          title="Restart the kernel?"
          confirmLabel="Restart"
          danger
          onCancel={() => setConfirmRestart(false)}
          onConfirm={() => {
            setConfirmRestart(false);
            api.restart(id).catch(report);
          }}
        >
          All variables and imports in this conversation’s kernel are lost. The conversation itself stays.
        </ConfirmDialog>
      ) : null}
    </DropZone>
  );
}

function PageMessage({ title, text }: { title: string; text: string }) {
  return (
    <div className="page-message">
      <h1>{title}</h1>
      <p>{text}</p>
    </div>
  );
}

/** Changes whenever a code cell finishes (code may have written files) or a notice arrives (uploads). */
function workspaceChange(cells: readonly Cell[]): string {
  let latest = '';
  for (const cell of cells) if (cell.kind === 'code' && cell.endedAt && cell.endedAt > latest) latest = cell.endedAt;
  return `${cells.length}:${latest}`;
}

/** `python` → Python, `R` → R: what the prompt says the code is written in. */
function languageName(language: string | undefined): string {
  if (!language) return 'code';
  return language.length <= 2 ? language.toUpperCase() : language[0]!.toUpperCase() + language.slice(1);
}

/** The cell the socket's `undo` undoes: the last code cell not already undone. */
function undoableCell(cells: readonly Cell[]): string | undefined {
  return cells.findLast((cell) => cell.kind === 'code' && !cell.undone)?.id;
}
