/**
 * The preferred MIME type of a bundle: the first type of `priority` that the bundle holds with a
 * usable value, or `undefined` when none does. Pure.
 */
export function selectMimeType(
  data: Readonly<Record<string, unknown>>,
  priority: readonly string[],
): string | undefined {
  return priority.find((mimeType) => Object.hasOwn(data, mimeType) && data[mimeType] != null);
}
