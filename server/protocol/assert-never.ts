/** For exhaustive switches: a compile error when a case is missing, a clear throw if reached. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
