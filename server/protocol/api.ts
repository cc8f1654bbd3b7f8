import { z } from 'zod';
import { cell } from './cells.ts';
import { kernelState } from './frames.ts';

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
});
export type ConversationDetail = z.infer<typeof conversationDetail>;

export const conversationList = z.array(conversationSummary);

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
