import { PublicError } from '../errors.ts';
import { inspectCode, type InspectOptions, type InspectResult } from '../kernel/inspect-code.ts';
import { parseVariables, parseVariableTable, VARIABLE_NAME, variablesCode, variablesLanguage, variableTableCode } from '../kernel/variables.ts';
import { TABLE_MIME, type KernelVariable, type Output } from '../protocol/index.ts';
import type { ConversationKernel } from './conversation-kernel.ts';

/**
 * The kernel's user variables, listed silently by the same code that tells the model (nothing
 * runs in a conversation without a kernel; a language it cannot list gives none). Refused
 * (409) while a cell runs: the listing would wait behind it. `secretDigests`: answers to
 * `getpass()` the listing must not show; `inspect`: a silent run in this kernel.
 */
export async function listVariables(
  kernel: ConversationKernel,
  secretDigests: () => string[],
  inspect: (code: string, options?: InspectOptions) => Promise<InspectResult>,
): Promise<KernelVariable[]> {
  if (!kernel.live) return [];
  const session = await kernel.session();
  if (session.executing) throw new PublicError('The kernel is running a cell: its variables are listed once it finishes.', 409);
  const language = variablesLanguage((await session.info()).language);
  if (!language) return [];
  const listed = parseVariables(await inspect(variablesCode(language, secretDigests()), { timeoutMs: 10_000 }));
  if (!listed.ok) throw new PublicError(`Could not list the kernel's variables (${listed.problem}).`, 502);
  return listed.value.variables;
}

/** One DataFrame or Series of the kernel as the interactive table's output (Python kernels). */
export async function variableTable(kernel: ConversationKernel, name: string): Promise<Output> {
  const missing = new PublicError(`There is no DataFrame or Series called ${name} in the kernel.`, 404);
  if (!VARIABLE_NAME.test(name) || !kernel.live) throw missing;
  const session = await kernel.session();
  if (session.executing) throw new PublicError('The kernel is running a cell: the table opens once it finishes.', 409);
  if (variablesLanguage((await session.info()).language) !== 'python') throw missing;
  const spec = parseVariableTable(await inspectCode(session, variableTableCode(name), { timeoutMs: 10_000 }));
  if (!spec) throw missing;
  return { output_type: 'display_data', data: { [TABLE_MIME]: spec, 'text/plain': name }, metadata: {} };
}
