import type { ConversationListItem } from '../protocol/index.ts';
import type { ListedConversation } from '../store/store.ts';
import type { Conversation } from './conversation.ts';

/**
 * A row of the list as the tabs see it: a loaded conversation (`live`) may be ahead of its row
 * (writes are debounced) and has a kernel state.
 */
export function listItem(row: ListedConversation, live: Conversation | undefined): ConversationListItem {
  return {
    id: row.id,
    title: live?.title ?? row.title,
    kernel: row.kernel,
    createdAt: row.createdAt,
    updatedAt: live?.updatedAt ?? row.updatedAt,
    ...(live?.kernelState ? { kernelState: live.kernelState } : {}),
    ...(row.match ? { match: row.match.text, matchCellId: row.match.cellId } : {}),
  };
}
