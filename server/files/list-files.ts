import type { WorkspaceFile, WorkspaceFiles } from './workspace-files.ts';

/** `RuntimeDeps.listFiles` (what the assistant is told is in the workspace) from `files`. */
export function listFilesOf(files: WorkspaceFiles): (conversationId: string) => Promise<WorkspaceFile[]> {
  return (conversationId) => files.list(conversationId);
}
