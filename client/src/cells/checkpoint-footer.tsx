import type { CodeCell } from '../protocol.ts';
import { api } from '../api/conversations-api.ts';
import { formatBytes } from '../ui/format-bytes.ts';
import { useCheckpointActions } from './checkpoint-actions.tsx';

/**
 * Under a code cell: what its run did to the workspace's files (created, changed, deleted, each
 * a download link but the deleted), the checkpoint saved after it and the conversation's
 * checkpoints' size, what could not be saved; or why the checkpoint failed (the cell did not).
 */
export function CheckpointFooter({ cell }: { cell: CodeCell }) {
  const conversationId = useCheckpointActions()?.conversationId;
  const checkpoint = cell.checkpoint;
  if (!checkpoint) return null;
  if (checkpoint.status === 'failed') {
    return (
      <div className="cell-checkpoint checkpoint-failed" role="note">
        No checkpoint for this cell (it still ran): {checkpoint.message ?? 'the kernel could not save its state'}. Undo and restore use the one before it.
      </div>
    );
  }
  const files = checkpoint.files;
  const link = (name: string) =>
    conversationId ? (
      <a key={name} href={api.fileUrl(conversationId, name)} download className="checkpoint-file">
        {name}
      </a>
    ) : (
      <code key={name}>{name}</code>
    );
  const group = (label: string, names: readonly string[], linked: boolean) =>
    names.length ? (
      <span className={`checkpoint-files checkpoint-${label}`}>
        {label}{' '}
        {names.slice(0, 6).map((name, at) => (
          <span key={name}>
            {at ? ', ' : ''}
            {linked ? link(name) : <code>{name}</code>}
          </span>
        ))}
        {names.length > 6 ? ` and ${names.length - 6} more` : ''}
      </span>
    ) : null;
  return (
    <div className="cell-checkpoint" aria-label="Checkpoint">
      {files ? group('created', files.created, true) : null}
      {files ? group('changed', files.changed, true) : null}
      {files ? group('deleted', files.deleted, false) : null}
      <span className="checkpoint-size" title="Kernel checkpoint saved after this cell: undo, branch and restore use it">
        checkpoint +{formatBytes(checkpoint.bytesWritten ?? 0)}
        {checkpoint.totalBytes !== undefined ? ` · ${formatBytes(checkpoint.totalBytes)} in all` : ''}
      </span>
      {checkpoint.unsaved?.length ? (
        <span className="checkpoint-unsaved" title={checkpoint.unsaved.map((entry) => `${entry.name}: ${entry.reason}`).join('\n')}>
          not saved: {checkpoint.unsaved.slice(0, 4).map((entry) => entry.name).join(', ')}
          {checkpoint.unsaved.length > 4 ? '…' : ''} (rebuilt by replay)
        </span>
      ) : null}
      {files?.notKept?.length ? <span className="checkpoint-unsaved">too big to keep: {files.notKept.slice(0, 3).join(', ')}</span> : null}
    </div>
  );
}
