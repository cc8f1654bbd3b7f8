import type { WorkspaceFile } from '../files/workspace-files.ts';
import type { KernelInfo } from '../kernel/kernel-info.ts';
import type { StateInfo, TurnContext } from '../conversation/turn-context.ts';
import { parseVariables, variablesCode, variablesLanguage, type KernelVariables } from '../kernel/variables.ts';
import { staleSection } from './stale-section.ts';
import { editsSection } from './edits-section.ts';
import { parseProbe, PYTHON_PROBE, type ProbeResult } from './python-probe.ts';

/** What the system prompt tells the model about its kernel and workspace. */
export interface WorkspaceContext {
  kernel: KernelInfo;
  /** Undefined when unknown (not Python, or the probe failed). */
  libraries?: ProbeResult['libraries'];
  /** The kernel's variables: the variable explorer's listing (undefined when it failed or the language has none). */
  variables?: KernelVariables;
  files?: WorkspaceFile[];
  /** Whether the kernel's state was lost or restored (see `stateSection`). */
  state?: StateInfo;
  /** The conversation's stale cells, said in a sentence or two (see `staleSection`). */
  stale?: string;
  /** What the person changed in cells the assistant wrote (see `editsSection`). */
  edits?: string;
}

export interface GatherOptions {
  /** Longest wait for the silent probe and the file list. Default 10 s. */
  timeoutMs?: number;
}

/**
 * Asks the kernel about itself before a turn. Only `kernelInfo` failing is fatal (nothing can
 * run then); a failed probe or file listing just leaves that part out of the prompt.
 */
export async function gatherContext(ctx: TurnContext, options: GatherOptions = {}): Promise<WorkspaceContext> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const kernel = await ctx.kernelInfo();
  const language = variablesLanguage(kernel.language);
  // One silent run: the libraries (Python) and the very listing the variable explorer shows.
  const hidden = ctx.secretDigests?.() ?? [];
  const code = language === 'python' ? PYTHON_PROBE + variablesCode(language, hidden) : language ? variablesCode(language) : undefined;
  const [result, files] = await Promise.all([code ? withTimeout(ctx.inspect(code), timeoutMs) : Promise.resolve(undefined), withTimeout(ctx.listFiles(), timeoutMs)]);
  const context: WorkspaceContext = { kernel, state: ctx.stateInfo() };
  const stale = staleSection(ctx.cells());
  if (stale) context.stale = stale;
  const edits = editsSection(ctx.cells());
  if (edits) context.edits = edits;
  const probe = result && language === 'python' ? parseProbe(result) : undefined;
  if (probe?.ok) context.libraries = probe.value.libraries;
  const variables = result ? parseVariables(result) : undefined;
  if (variables?.ok) context.variables = variables.value;
  if (files) context.files = files;
  return context;
}

/** The value, or undefined if it failed or took longer than `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
