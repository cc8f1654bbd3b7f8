import { PublicError } from '../errors.ts';
import type { ConversationStore } from '../store/index.ts';

/** Over TALKBOOK_STORAGE_QUOTA_MB: new cells (run, ask) and uploads are refused until space is freed. */
export class StorageQuotaError extends PublicError {
  override name = 'StorageQuotaError';
  constructor(usedBytes: number, quotaBytes: number, own: boolean) {
    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 2 : 0);
    const whose = own ? 'You are' : 'The owner of this conversation is';
    super(`${whose} over the storage quota (${mb(usedBytes)} MB stored of ${mb(quotaBytes)} MB: TALKBOOK_STORAGE_QUOTA_MB). Delete conversations or outputs that are no longer needed, or ask an admin for more room.`, 413);
  }
}

/**
 * The per-user storage quota: what the store holds for an owner's conversations (see
 * storage-usage.ts) against TALKBOOK_STORAGE_QUOTA_MB. A conversation counts for its owner, so
 * an editor's runs in someone else's conversation count for that owner.
 */
export class StorageQuota {
  constructor(
    private readonly store: Pick<ConversationStore, 'storageByOwner'>,
    readonly quotaBytes: number | undefined,
  ) {}

  /** Throws `StorageQuotaError` when `ownerId` is at or over the quota; `callerId` only words the message. */
  async check(ownerId: string | null, callerId: string): Promise<void> {
    if (this.quotaBytes === undefined || !ownerId) return;
    const used = (await this.store.storageByOwner(ownerId))[0]?.bytes ?? 0;
    if (used >= this.quotaBytes) throw new StorageQuotaError(used, this.quotaBytes, ownerId === callerId);
  }
}
