import { createHash } from 'node:crypto';
import { z } from 'zod';
import { output, type Output } from '../protocol/index.ts';

/** Base64 payloads at least this long are stored once, by content, outside the output rows. */
export const BLOB_MIN_CHARS = 4096;

const BINARY = /^(image\/(png|jpeg|gif|webp)|application\/pdf)$/;

export interface Blob {
  hash: string;
  bytes: Buffer;
}

/** A payload moved out of an output: `{"$blob": sha256}` in the stored JSON. */
const blobRef = z.object({ $blob: z.string().regex(/^[0-9a-f]{64}$/) }).strict();

/** Blobs already made of an output object's payloads, by MIME type. */
const made = new WeakMap<object, Map<string, Blob | null>>();

/**
 * An output as stored: big binary payloads (PNG, JPEG…) replaced by references to content-
 * addressed blobs, so a listing or a search never reads them and a figure shown twice is
 * stored once. Remembered per output object: a long-running cell's outputs are written again
 * while it runs, its images are decoded and hashed once.
 */
export function externalize(value: Output): { json: string; blobs: Blob[] } {
  if (value.output_type !== 'display_data' && value.output_type !== 'execute_result') return { json: JSON.stringify(value), blobs: [] };
  let cache = made.get(value);
  const blobs: Blob[] = [];
  const data: Record<string, unknown> = {};
  for (const [mime, payload] of Object.entries(value.data)) {
    if (typeof payload !== 'string' || payload.length < BLOB_MIN_CHARS || !BINARY.test(mime)) {
      data[mime] = payload;
      continue;
    }
    let blob = cache?.get(mime);
    if (blob === undefined) {
      blob = toBlob(payload);
      if (!cache) made.set(value, (cache = new Map()));
      cache.set(mime, blob);
    }
    // Only canonical base64 leaves the row, so the payload comes back exactly as it was.
    if (!blob) {
      data[mime] = payload;
      continue;
    }
    blobs.push(blob);
    data[mime] = { $blob: blob.hash };
  }
  return { json: JSON.stringify({ ...value, data }), blobs };
}

function toBlob(base64: string): Blob | null {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.toString('base64') !== base64) return null;
  return { hash: createHash('sha256').update(bytes).digest('hex'), bytes };
}

/** A stored output with its payloads back in place, validated as an nbformat output. */
export function internalize(json: string, blob: (hash: string) => Buffer | undefined): Output {
  const raw = JSON.parse(json) as { data?: Record<string, unknown> };
  if (raw.data) {
    for (const [mime, payload] of Object.entries(raw.data)) {
      const ref = blobRef.safeParse(payload);
      if (!ref.success) continue;
      const bytes = blob(ref.data.$blob);
      raw.data[mime] = bytes ? bytes.toString('base64') : '';
    }
  }
  return output.parse(raw);
}

/** The blob hashes a stored output refers to. */
export function blobRefs(json: string): string[] {
  return [...json.matchAll(/\{"\$blob":"([0-9a-f]{64})"\}/g)].map((m) => m[1]!);
}
