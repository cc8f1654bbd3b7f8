import { memo, useDeferredValue, type MouseEvent } from 'react';
import type { AssistantCell as AssistantCellData, NoticeCell as NoticeCellData, UserCell as UserCellData } from '../protocol.ts';
import { Markdown } from '../markdown/lazy-markdown.tsx';
import { CellByLabel } from './cell-by-label.tsx';
import { Icon } from '../ui/icons.tsx';
import { routePath } from '../router/route.ts';
import { navigate } from '../router/use-route.ts';

/** A plain click on a link to a conversation opens it in the page (other clicks: a new tab). */
function follow(event: MouseEvent<HTMLAnchorElement>, id: string): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate({ name: 'conversation', id });
}

/** What the person asked, as they typed it. */
export const UserCell = memo(function UserCell({ cell }: { cell: UserCellData }) {
  return (
    <article className="cell user-cell" aria-label="Your message" tabIndex={0} data-cell-id={cell.id}>
      <div className="user-bubble">{cell.text}</div>
      <CellByLabel cell={cell} />
    </article>
  );
});

/** The assistant's Markdown, re-rendered as tokens stream in (deferred so typing stays smooth). */
export const AssistantCell = memo(function AssistantCell({ cell, streaming }: { cell: AssistantCellData; streaming: boolean }) {
  const text = useDeferredValue(cell.text);
  return (
    <article className="cell assistant-cell" aria-label={streaming ? 'The assistant, writing' : 'The assistant’s answer'} aria-busy={streaming} tabIndex={0} data-cell-id={cell.id}>
      {text ? <Markdown text={text} /> : streaming ? <span className="typing" aria-label="Assistant is writing" /> : null}
      <CellByLabel cell={cell} />
    </article>
  );
});

/**
 * Something Talkbook says (Markdown): the kernel restarted, state was lost, a file arrived. It can
 * be dismissed, which removes it from the conversation (the assistant no longer reads it either).
 */
export const NoticeCell = memo(function NoticeCell({ cell, onDelete }: { cell: NoticeCellData; onDelete: ((cellId: string) => void) | undefined }) {
  return (
    <article className={`cell notice-cell notice-${cell.level}`} aria-label="Notice from Talkbook" tabIndex={0} data-cell-id={cell.id}>
      <div role="note">
        <Markdown text={cell.text} />
        {cell.link ? (
          <a className="notice-link" href={routePath({ name: 'conversation', id: cell.link.conversationId })} onClick={(event) => follow(event, cell.link!.conversationId)}>
            Open “{cell.link.title}”
          </a>
        ) : null}
        {onDelete ? (
          <button type="button" className="icon-button notice-dismiss" aria-label="Dismiss notice" title="Dismiss" onClick={() => onDelete(cell.id)}>
            <Icon name="x" />
          </button>
        ) : null}
      </div>
    </article>
  );
});
