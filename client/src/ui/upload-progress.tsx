import { Icon } from './icons.tsx';

export interface Upload {
  name: string;
  /** 0…1 */
  fraction: number;
  /** Place in a batch of several files (1-based), when there is a batch. */
  index?: number;
  total?: number;
}

/** "Uploading data.csv (2 of 3) · 42 %" with a progress bar and a way to cancel. */
export function UploadProgress({ upload, verb = 'Uploading', onCancel }: { upload: Upload; verb?: string; onCancel?: () => void }) {
  const percent = Math.round(upload.fraction * 100);
  return (
    <div className="upload-progress" role="status">
      <span className="upload-label">
        {verb} <strong>{upload.name}</strong>
        {upload.total && upload.total > 1 ? ` (${upload.index} of ${upload.total})` : ''} · {percent < 100 ? `${percent}%` : 'saving…'}
      </span>
      <progress max={100} value={percent} aria-label={`${verb} ${upload.name}`} />
      {onCancel ? (
        <button type="button" className="icon-button" aria-label="Cancel upload" title="Cancel upload" onClick={onCancel}>
          <Icon name="x" />
        </button>
      ) : null}
    </div>
  );
}
