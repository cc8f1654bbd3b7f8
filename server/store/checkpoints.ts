/** A checkpoint's blob: its content hash (BLAKE2b-512, first 256 bits, hex) and its size. */
export interface CheckpointBlobRef {
  hash: string;
  size: number;
}

/** A checkpoint kept in the store: its manifest (the engine's JSON) and the blobs it names. */
export interface StoredCheckpoint {
  manifest: unknown;
  blobs: CheckpointBlobRef[];
}

/** A stored checkpoint's id and the size of its manifest (its blobs are counted apart: they are shared). */
export interface StoredCheckpointRow {
  id: string;
  manifestBytes: number;
}

/** Rows a blob is stored in: pieces of at most this size. */
export const CHECKPOINT_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Kernel checkpoints copied into the database (issue 19), for kernels whose disk may not last
 * (a gateway pod) and kernels about to hibernate: a manifest per checkpoint, blobs once by
 * content whichever conversation uses them (`checkpoint_uses` says who does), each blob in
 * chunks of `CHECKPOINT_CHUNK_BYTES`.
 */
export interface CheckpointStore {
  /** The hashes of `hashes` the store has no complete blob for. */
  missingBlobs(hashes: readonly string[]): Promise<string[]>;
  /**
   * Store a blob from its bytes, read piece by piece (a hash the caller verified, or which
   * `chunks` throws on). The blob row is written last, so a blob is only ever seen complete.
   */
  putBlob(blob: CheckpointBlobRef, chunks: AsyncIterable<Uint8Array>): Promise<void>;
  /** Store a checkpoint of a conversation whose blobs are all stored; false when it was stored already. */
  putCheckpoint(conversationId: string, id: string, manifest: unknown, blobs: readonly string[]): Promise<boolean>;
  hasCheckpoint(conversationId: string, id: string): Promise<boolean>;
  checkpoint(conversationId: string, id: string): Promise<StoredCheckpoint | undefined>;
  /** A blob's bytes, chunk by chunk. */
  readBlob(hash: string): AsyncIterable<Uint8Array>;
  /** The conversation's stored checkpoints, oldest first. */
  list(conversationId: string): Promise<StoredCheckpointRow[]>;
  /** What the conversation's stored checkpoints take: their manifests and every blob they use, once. */
  usage(conversationId: string): Promise<number>;
  /** Forget a stored checkpoint, and the blobs no stored checkpoint uses any more. */
  drop(conversationId: string, id: string): Promise<void>;
}
