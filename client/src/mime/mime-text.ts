/**
 * nbformat stores text MIME values either as a string or as a list of lines; join them.
 * Returns `undefined` for anything else, so a renderer can refuse bad data instead of crashing.
 */
export function mimeText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((line) => typeof line === 'string')) return value.join('');
  return undefined;
}
