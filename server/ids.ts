import { randomBytes } from 'node:crypto';

/** 128 random bits, hex: conversation, cell and turn ids. */
export function newId(): string {
  return randomBytes(16).toString('hex');
}
