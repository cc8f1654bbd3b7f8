import { readFileSync } from 'node:fs';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Dockerfile {
  instructions: Instruction[];
  /** Base images, one per stage. */
  from: string[];
  /** ENV of the last stage, in order. */
  env: Record<string, string>;
  /** The last stage's USER (undefined: root). */
  user: string | undefined;
  /** The last stage's CMD in exec form. */
  cmd: string[] | undefined;
  /** Every RUN, in order (all stages). */
  run: string[];
}

/**
 * Just enough of the Dockerfile grammar for tests: comments, line continuations, `ENV k=v`
 * with quoting, and exec-form CMD. (No Docker engine here, so tests read the file instead.)
 */
export function parseDockerfile(path: string): Dockerfile {
  const lines = readFileSync(path, 'utf8').split('\n').filter((line) => !/^\s*#/.test(line));
  const instructions: Instruction[] = [];
  let pending = '';
  for (const line of lines) {
    const joined = pending + line;
    if (joined.trimEnd().endsWith('\\')) {
      pending = `${joined.trimEnd().slice(0, -1)} `;
      continue;
    }
    pending = '';
    const match = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(joined);
    if (match) instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim() });
  }
  const stages: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  const last = stages.at(-1) ?? [];
  const env: Record<string, string> = {};
  for (const instruction of last.filter((i) => i.keyword === 'ENV')) Object.assign(env, parseEnvArgs(instruction.args));
  const cmd = last.filter((i) => i.keyword === 'CMD').at(-1);
  return {
    instructions,
    from: instructions.filter((i) => i.keyword === 'FROM').map((i) => i.args.split(/\s+/)[0]!),
    env,
    user: last.filter((i) => i.keyword === 'USER').at(-1)?.args,
    cmd: cmd ? (JSON.parse(cmd.args) as string[]) : undefined,
    run: instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args),
  };
}

/** `A=1 B='x y' C="z"` → { A: '1', B: 'x y', C: 'z' } (shell-like quotes, as Docker reads them). */
function parseEnvArgs(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < args.length) {
    while (/\s/.test(args[i] ?? '')) i++;
    if (i >= args.length) break;
    let word = '';
    while (i < args.length && !/\s/.test(args[i]!)) {
      const ch = args[i]!;
      if (ch === "'") {
        const end = args.indexOf("'", i + 1);
        word += args.slice(i + 1, end);
        i = end + 1;
      } else if (ch === '"') {
        i++;
        while (i < args.length && args[i] !== '"') {
          if (args[i] === '\\' && i + 1 < args.length) i++;
          word += args[i++];
        }
        i++;
      } else {
        word += ch;
        i++;
      }
    }
    const eq = word.indexOf('=');
    if (eq > 0) out[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return out;
}
