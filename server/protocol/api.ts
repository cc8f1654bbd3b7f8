import { z } from 'zod';
import { cell } from './cells.ts';
import { kernelState, stdinPrompt } from './frames.ts';

export const createConversationBody = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  kernel: z.string().min(1).max(100).optional(),
});

export const renameConversationBody = z.object({ title: z.string().trim().min(1).max(200) });

export const conversationSummary = z.object({
  id: z.string(),
  title: z.string(),
  kernel: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  kernelState: kernelState.optional(),
});
export type ConversationSummary = z.infer<typeof conversationSummary>;

export const conversationDetail = conversationSummary.extend({
  cells: z.array(cell),
  /** The last frame's `seq`: open the socket and send `resume` with it to follow from here. */
  seq: z.number().int(),
  /** The kernel lost the state this conversation's code built: offer "Restore state". */
  stateLost: z.boolean().optional(),
  /** Why changes are not reaching the store right now (retried), if they are not. */
  storageError: z.string().optional(),
  /** What the caller is to it (accounts): a viewer can read but not run, ask or upload. */
  access: z.enum(['owner', 'editor', 'viewer']).optional(),
  /** A running cell waits for input (the same as its last `stdin` frame). */
  stdin: stdinPrompt.optional(),
});
export type ConversationDetail = z.infer<typeof conversationDetail>;

/** A listed conversation; with `q`, a short piece of the matching text and the cell it is in. */
export const conversationListItem = conversationSummary.extend({
  match: z.string().optional(),
  matchCellId: z.string().optional(),
});
export type ConversationListItem = z.infer<typeof conversationListItem>;

/** `GET /api/conversations?limit=N&cursor=C&q=TEXT`: newest first, a page at a time. */
export const conversationList = z.object({ items: z.array(conversationListItem), nextCursor: z.string().nullable() });
export type ConversationList = z.infer<typeof conversationList>;

export const listConversationsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  q: z.string().trim().max(200).optional(),
});

export const kernelSpecInfo = z.object({
  name: z.string(),
  displayName: z.string(),
  language: z.string(),
});
export const kernelSpecList = z.object({ default: z.string(), kernelspecs: z.array(kernelSpecInfo) });
export type KernelSpecList = z.infer<typeof kernelSpecList>;

export const healthResponse = z.object({
  status: z.literal('ok'),
  model: z.object({ configured: z.boolean(), name: z.string().optional() }).optional(),
  sandboxed: z.boolean().optional(),
});

export const errorResponse = z.object({ error: z.string() });

/** `POST /api/conversations/:id/files` → 201: the stored name (it may differ from the upload's) and size. */
export const uploadedFile = z.object({ name: z.string(), size: z.number().int().min(0) });
export type UploadedFile = z.infer<typeof uploadedFile>;

/** `GET /api/conversations/:id/files`: the workspace's plain files. */
export const workspaceFileList = z.array(z.object({ name: z.string(), size: z.number().int().min(0), modified: z.string() }));
export type WorkspaceFileEntry = z.infer<typeof workspaceFileList>[number];

/**
 * One of the kernel's variables, as the variable explorer and the model's context see it:
 * `shape` for DataFrames, Series and arrays (R: `dim`), `length` for other sized values, `bytes`
 * its memory (shallow for containers), `preview` a short text. `dtype` and `columns` (name,
 * dtype; the first 30) where they apply.
 */
export const kernelVariable = z.object({
  name: z.string(),
  type: z.string(),
  shape: z.array(z.number().int()).optional(),
  length: z.number().int().optional(),
  bytes: z.number().min(0).optional(),
  preview: z.string().optional(),
  dtype: z.string().optional(),
  columns: z.array(z.tuple([z.string(), z.string()])).optional(),
});
export type KernelVariable = z.infer<typeof kernelVariable>;

/** `GET /api/conversations/:id/variables`: the kernel's user variables, by name (empty without a kernel, or for a language it cannot list). */
export const variableList = z.array(kernelVariable);
