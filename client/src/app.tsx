import { useCallback, useEffect, useState, type MouseEvent } from 'react';
import { api, type Health } from './api/conversations-api.ts';
import { setUnauthorizedHandler } from './api/http.ts';
import { accountApi } from './api/auth-api.ts';
import { AdminPage } from './admin/admin-page.tsx';
import { ConversationPage } from './layout/conversation-page.tsx';
import { SharedLinkPage } from './sharing/shared-link-page.tsx';
import { SignInScreen } from './layout/sign-in-screen.tsx';
import { Sidebar } from './layout/sidebar.tsx';
import { Welcome } from './layout/welcome.tsx';
import type { ConversationSummary, KernelSpecList, ServerFrame } from './protocol.ts';
import { useRoute } from './router/use-route.ts';
import { useConversations } from './state/use-conversations.ts';
import { ShortcutsHelp } from './keyboard/shortcuts-help.tsx';
import { usePageShortcuts } from './keyboard/use-page-shortcuts.ts';
import { ConfirmDialog } from './ui/confirm-dialog.tsx';
import { Sheet } from './ui/sheet.tsx';
import type { Upload } from './ui/upload-progress.tsx';
import { DRAWER_LAYOUT, useMediaQuery } from './ui/use-media-query.ts';

/**
 * The whole page: sidebar of conversations, and the open conversation (or the welcome). On
 * small screens the sidebar is a drawer, opened from the header's menu button.
 */
export function App() {
  const [route, navigate] = useRoute();
  const [signedOut, setSignedOut] = useState(false);
  const [health, setHealth] = useState<Health | undefined>(undefined);
  const [kernelspecs, setKernelspecs] = useState<KernelSpecList | undefined>(undefined);
  const [kernel, setKernel] = useState<string | undefined>(undefined);
  const [deleting, setDeleting] = useState<ConversationSummary | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [importing, setImporting] = useState<Upload | undefined>(undefined);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const [me, setMe] = useState<{ id: string; admin: boolean } | undefined>(undefined);
  const isAdmin = me?.admin ?? false;
  const drawerLayout = useMediaQuery(DRAWER_LAYOUT);
  const conversations = useConversations();
  const activeId = route.name === 'conversation' ? route.id : undefined;
  const openHelp = useCallback(() => {
    setDrawerOpen(false);
    setHelpOpen(true);
  }, []);
  usePageShortcuts({ help: openHelp });

  useEffect(() => {
    setUnauthorizedHandler(() => setSignedOut(true));
    api.health().then(setHealth, () => {});
    api.kernelspecs().then(setKernelspecs, () => {});
    accountApi.session().then((session) => setMe({ id: session.user.id, admin: session.user.role === 'admin' }), () => {});
  }, []);

  const report = (reason: unknown) => setError(reason instanceof Error ? reason.message : String(reason));

  const create = () =>
    api.create(kernel ? { kernel } : {}).then((summary) => {
      setDrawerOpen(false);
      conversations.add(summary);
      navigate({ name: 'conversation', id: summary.id });
    }, report);

  const importNotebook = (file: File) => {
    setImporting({ name: file.name, fraction: 0 });
    api
      .importNotebook(file, (fraction) => setImporting({ name: file.name, fraction }))
      .then((summary) => {
        setDrawerOpen(false);
        conversations.add(summary);
        navigate({ name: 'conversation', id: summary.id });
      }, report)
      .finally(() => setImporting(undefined));
  };

  const { patch, refresh } = conversations;
  const onFrame = useCallback(
    (id: string, frame: ServerFrame) => {
      if (frame.type === 'title') patch(id, { title: frame.title });
      if (frame.type === 'kernel') patch(id, { kernelState: frame.state });
      if (frame.type === 'turn' && frame.state !== 'started') refresh();
    },
    [patch, refresh],
  );

  if (signedOut) return <SignInScreen />;

  // Without a model the server cannot answer `ask`; when it does not say, let the person try.
  const canAsk = health?.model?.configured !== false;
  const sidebar = (
    <Sidebar
      conversations={conversations}
      activeId={activeId}
      modelName={health?.model?.configured ? health.model.name : undefined}
      onNew={create}
      onOpen={(id, cellId) => {
        setDrawerOpen(false);
        navigate(cellId ? { name: 'conversation', id, cellId } : { name: 'conversation', id });
      }}
      onRename={(id, title) => {
        patch(id, { title });
        api.rename(id, title).catch(report).finally(refresh);
      }}
      onDelete={setDeleting}
      onImport={importNotebook}
      importing={importing}
      onHelp={openHelp}
    />
  );
  const onDrawer = drawerLayout ? () => setDrawerOpen(true) : undefined;
  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={skipToMain}>
        {activeId ? 'Skip to the message box' : 'Skip to main content'}
      </a>
      {drawerLayout ? (
        drawerOpen ? (
          <Sheet label="Conversations" side="left" onClose={() => setDrawerOpen(false)} className="drawer">
            {sidebar}
          </Sheet>
        ) : null
      ) : (
        sidebar
      )}
      <main className="main" id="main" tabIndex={-1}>
        {error ? (
          <div className="app-error" role="alert">
            {error}
            <button type="button" className="button ghost" onClick={() => setError(undefined)}>
              Dismiss
            </button>
          </div>
        ) : null}
        {route.name === 'admin' ? (
          <AdminPage onDrawer={onDrawer} />
        ) : route.name === 'shared' ? (
          <SharedLinkPage key={route.secret} secret={route.secret} />
        ) : activeId ? (
          <ConversationPage key={activeId} id={activeId} cellId={route.name === 'conversation' ? route.cellId : undefined} canAsk={canAsk} kernelspecs={kernelspecs} onFrame={onFrame} onHelp={openHelp} onDrawer={onDrawer} userId={me?.id} />
        ) : (
          <Welcome kernelspecs={kernelspecs} kernel={kernel} onKernel={setKernel} onStart={create} onDrawer={onDrawer} onAdmin={isAdmin ? () => navigate({ name: 'admin' }) : undefined} />
        )}
      </main>
      {deleting ? (
        <ConfirmDialog
          title="Delete this conversation?"
          confirmLabel="Delete"
          danger
          onCancel={() => setDeleting(undefined)}
          onConfirm={() => {
            const target = deleting;
            setDeleting(undefined);
            api.remove(target.id).then(() => {
              conversations.drop(target.id);
              if (target.id === activeId) navigate({ name: 'home' }, { replace: true });
            }, report);
          }}
        >
          “{deleting.title}” and its history are deleted, and its kernel is shut down. This cannot be undone.
        </ConfirmDialog>
      ) : null}
      {helpOpen ? <ShortcutsHelp onClose={() => setHelpOpen(false)} /> : null}
    </div>
  );
}

/** The skip link focuses the message box when a conversation is open, the main column otherwise. */
function skipToMain(event: MouseEvent<HTMLAnchorElement>): void {
  event.preventDefault();
  const target = document.querySelector<HTMLElement>('textarea[data-prompt]') ?? document.getElementById('main');
  target?.focus();
}
