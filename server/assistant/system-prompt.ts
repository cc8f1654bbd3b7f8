import type { WorkspaceFile } from '../files/workspace-files.ts';
import type { WorkspaceContext } from './gather-context.ts';
import { fenceLanguage, languageLabel } from './kernel-language.ts';
import { assertNever, type KernelVariable } from '../protocol/index.ts';
import { RUN_CODE_TOOL } from './run-code-tool.ts';
import { stateSection } from './state-section.ts';
import { formatBytes } from './text-budget.ts';

export type ToolMode = 'tools' | 'fenced';

export interface SystemPromptOptions {
  context: WorkspaceContext;
  toolMode: ToolMode;
  vision: boolean;
  /** Default: now. The model is told today's date. */
  now?: Date;
}

const MAX_FILES = 50;

/** The system message: who the assistant is, how it runs code, and what the kernel holds now. */
export function buildSystemPrompt({ context, toolMode, vision, now = new Date() }: SystemPromptOptions): string {
  const { kernel } = context;
  const label = languageLabel(kernel);
  const tag = fenceLanguage(kernel).tag;
  const sections = [
    `You are the assistant in Talkbook, a notebook where a person chats with you and you answer by running code. ` +
      `You have a persistent Jupyter kernel (${kernel.displayName || kernel.kernelName}, ${label}) that belongs to this conversation: ` +
      'variables, imports and files persist across your runs and across turns, and the person runs their own code in the same kernel. ' +
      "The kernel's working directory is the conversation's workspace. " +
      `Today is ${now.toISOString().slice(0, 10)}.`,
    howToRun(toolMode, label, tag, vision),
    [
      'Guidelines:',
      '- Look before you rely on names: check columns, dtypes and a few rows before using them, unless the summary below already shows them.',
      '- Keep each run small and focused. When a run fails, read the error, fix the code and run it again.',
      '- Only state numbers and facts that your code printed; never invent results.',
      '- Code with effects that must not happen twice (sending messages, writing to other systems, long downloads) gets a line `# talkbook: no-replay`, so restoring the kernel state never runs it again.',
      `- For plots use ${kernel.language.toLowerCase() === 'python' ? 'matplotlib (or another plotting library the kernel has)' : "the kernel's plotting libraries"} and show them; they appear in the conversation${vision ? ' and are shown to you' : ''}.${kernel.language.toLowerCase() === 'python' ? ' Shown matplotlib figures and pandas DataFrames become interactive charts and tables for the person by themselves (hover values, toggle series, zoom, sort, filter): write ordinary pandas and matplotlib code, with a title and axis labels with units such as "Time (s)".' : ''}`,
      '- When you are done, answer in concise Markdown that refers to the results. Do not repeat long outputs the person already sees.',
    ].join('\n'),
    stateSection(context.state),
    librariesSection(context),
    filesSection(context.files),
    variablesSection(context),
    context.stale,
    context.edits,
  ];
  return sections.filter((s): s is string => Boolean(s)).join('\n\n');
}

function howToRun(toolMode: ToolMode, label: string, tag: string, vision: boolean): string {
  const seeing = vision
    ? 'Images you produce (plots) are also attached for you to look at.'
    : 'You cannot see images; you get a one-line description of each plot or table.';
  switch (toolMode) {
    case 'tools':
      return (
        `Run ${label} code with the \`${RUN_CODE_TOOL}\` tool. You get back its stdout, stderr, the value of the last expression and errors. ${seeing} ` +
        'Call the tool as many times as you need, one step at a time, then answer.'
      );
    case 'fenced':
      return (
        `To run ${label} code, write it in a fenced block tagged \`\`\`${tag}. Every such block in your reply is run in the kernel, ` +
        'in order, and the outputs come back to you in the next message. Use ```text for anything that must not run. ' +
        `After writing code whose results you need, stop and wait for the outputs; never guess them. ${seeing} ` +
        'When you have the results, answer without code blocks.'
      );
    default:
      return assertNever(toolMode);
  }
}

function librariesSection(context: WorkspaceContext): string | undefined {
  if (!context.libraries) return undefined;
  if (!context.libraries.length) return 'Main libraries installed in the kernel: none of the usual data libraries were found.';
  const list = context.libraries.map((lib) => (lib.version ? `${lib.name} ${lib.version}` : lib.name)).join(', ');
  return `Main libraries installed in the kernel: ${list}. Do not install packages unless the person asks.`;
}

function filesSection(files: readonly WorkspaceFile[] | undefined): string | undefined {
  if (!files) return undefined;
  if (!files.length) return 'Files in the workspace: none.';
  const shown = files.slice(0, MAX_FILES).map((file) => `- ${file.name} (${formatBytes(file.size)})`);
  if (files.length > MAX_FILES) shown.push(`- … and ${files.length - MAX_FILES} more`);
  return `Files in the workspace (the kernel's working directory):\n${shown.join('\n')}`;
}

const MAX_VARIABLES_TOLD = 60;

/** The variable explorer's listing, as the person sees it (the same silent inspection). */
function variablesSection(context: WorkspaceContext): string | undefined {
  const listing = context.variables;
  if (!listing) return undefined;
  if (!listing.variables.length) return 'Variables in the kernel right now: none.';
  const lines = listing.variables.slice(0, MAX_VARIABLES_TOLD).map(describeVariable);
  const more = listing.total - lines.length;
  if (more > 0) lines.push(`- … and ${more} more`);
  return `Variables in the kernel right now (the person sees the same list in the variable explorer):\n${lines.join('\n')}`;
}

/** `- sales: DataFrame [120 × 2], 1.9 KB: month (object), revenue (float64)`, `- n: int = 3`. */
export function describeVariable(variable: KernelVariable): string {
  const size = variable.shape ? ` [${variable.shape.join(' × ')}]` : variable.length !== undefined ? ` (length ${variable.length})` : '';
  const dtype = variable.dtype ? `, dtype ${variable.dtype}` : '';
  const bytes = variable.bytes !== undefined && variable.bytes >= 1024 ? `, ${formatBytes(variable.bytes)}` : '';
  const head = `- ${variable.name}: ${variable.type}${size}${dtype}${bytes}`;
  if (variable.columns) {
    const more = (variable.shape?.[1] ?? variable.columns.length) - variable.columns.length;
    return `${head}: ${variable.columns.map(([name, type]) => `${name} (${type})`).join(', ')}${more > 0 ? `, … and ${more} more columns` : ''}`;
  }
  return variable.preview ? `${head} = ${variable.preview.replace(/\s+/g, ' ')}` : head;
}
