import { z } from 'zod';

/** Where a page of the newest-first list ended: the last item's `updatedAt` and `id`. */
export interface ListPosition {
  updatedAt: string;
  id: string;
}

const position = z.tuple([z.string().max(40), z.string().max(100)]);

export function encodeCursor(last: ListPosition): string {
  return Buffer.from(JSON.stringify([last.updatedAt, last.id])).toString('base64url');
}

/** The position a cursor holds, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): ListPosition | undefined {
  try {
    const parsed = position.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? { updatedAt: parsed.data[0], id: parsed.data[1] } : undefined;
  } catch {
    return undefined;
  }
}
