import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { NotFoundError, PublicError } from '../errors.ts';
import { KernelRequestError, type KernelSession } from './kernel-session.ts';

/**
 * Workspace files through the kernel itself, for Jupyter servers without a contents API
 * (Kernel Gateway, Enterprise Gateway): `kernel-files.py` runs in each Python kernel when it
 * starts (see `enterWorkspaceCode`) and answers one request per comm on `talkbook.files`.
 * Replies come from code the conversation controls, so every one is validated here.
 */
export const KERNEL_FILES_TARGET = 'talkbook.files';

const source = readFileSync(new URL('./kernel-files.py', import.meta.url), 'utf8');

/**
 * Code that makes a Python kernel create and enter its conversation's folder (or, without
 * `folder`, stay in the one Jupyter started it in) and answer file requests from there. It runs
 * in a namespace of its own: nothing lands in the user's.
 */
export function enterWorkspaceCode(folder?: string): string {
  return `exec(${JSON.stringify(source)}, {"__name__": "talkbook_files", "WORKSPACE": ${folder ? JSON.stringify(folder) : 'None'}})`;
}

const kernelFile = z.object({
  name: z.string().min(1).max(255),
  size: z.number().int().nonnegative(),
  modified: z.string(),
  /** Device, inode, mtime and size: a read is refused if the file changed since `stat`. */
  version: z.string().max(200),
});
export type KernelFile = z.infer<typeof kernelFile>;

const replies = {
  list: z.object({ files: z.array(kernelFile).max(100_000) }),
  stat: z.object({ file: kernelFile }),
  read: z.object({ size: z.number().int().nonnegative() }),
  begin: z.object({ temp: z.string().regex(/^\.~talkbook-upload-[0-9a-f]{16}\.part$/) }),
  append: z.object({ size: z.number().int().nonnegative() }),
  claim: z.object({ file: kernelFile }),
  abort: z.object({}),
  delete: z.object({}),
  remove_workspace: z.object({}),
};
type Op = keyof typeof replies;

const failure = z.object({
  ok: z.literal(false),
  code: z.enum(['bad_name', 'not_found', 'changed', 'taken', 'failed']),
  message: z.string().max(2000),
});

/** One file request. Kernel refusals become typed errors; `buffers` carry bytes either way. */
export async function kernelFileRequest<K extends Op>(
  session: KernelSession,
  op: K,
  args: Record<string, unknown> = {},
  options: { buffers?: Uint8Array[]; timeoutMs?: number } = {},
): Promise<{ reply: z.infer<(typeof replies)[K]>; buffers: Uint8Array[] }> {
  let answer;
  try {
    answer = await session.request(KERNEL_FILES_TARGET, { op, ...args }, options.buffers, options.timeoutMs);
  } catch (error) {
    if (!(error instanceof KernelRequestError)) throw error;
    throw new PublicError(
      error.timedOut
        ? `${error.message} The Jupyter server has no contents API, so files move through the kernel, which answers after the running cell: try again once it finishes, or interrupt it.`
        : `${error.message} Files move through the kernel on this Jupyter server: run a cell to start a new one, then try again.`,
      503,
      { cause: error },
    );
  }
  if (!answer) {
    throw new PublicError(
      'This kernel does not answer file requests (the Jupyter server has no contents API, and files then move through Python kernels only).',
      503,
    );
  }
  const refused = failure.safeParse(answer.data);
  if (refused.success) throw refusal(refused.data.code, refused.data.message);
  const parsed = replies[op].safeParse(answer.data);
  if (!parsed.success || (answer.data as { ok?: unknown }).ok !== true) {
    throw new PublicError(`The kernel answered a "${op}" file request with something Talkbook does not understand.`, 502);
  }
  return { reply: parsed.data as z.infer<(typeof replies)[K]>, buffers: answer.buffers };
}

function refusal(code: z.infer<typeof failure>['code'], message: string): PublicError {
  switch (code) {
    case 'not_found':
      return new NotFoundError('File');
    case 'bad_name':
      return new PublicError(message, 400);
    case 'changed':
    case 'taken':
      return new PublicError(message, 409);
    case 'failed':
      return new PublicError(`The kernel could not do that: ${message}`, 502);
  }
}
