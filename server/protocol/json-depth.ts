/**
 * The deepest nesting Talkbook takes in JSON from outside (a notebook, a kernel's output): far
 * beyond any real output, far below what overflows a stack when the value is serialized or
 * validated again.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests no deeper than `max` arrays/objects. Iterative: any depth is safe to ask. */
export function jsonDepthWithin(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= max) return false;
    for (const child of Array.isArray(item) ? item : Object.values(item as Record<string, unknown>)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return true;
}

/** The same check on JSON text, before it is parsed (brackets outside strings). */
export function jsonTextDepthWithin(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i += 1; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      depth += 1;
      if (depth > max) return false;
    } else if (c === 93 || c === 125) depth -= 1;
  }
  return true;
}
