import type { Conversation } from '../conversation/conversation.ts';
import type { Kernels } from '../kernel/kernels.ts';
import type { NotebookMeta } from './to-notebook.ts';

/**
 * The notebook metadata for a conversation: `kernelspec` from the Jupyter server's spec list
 * (display name, language) and `language_info` with version and file extension only when the
 * conversation's kernel is running and said so. Works without Jupyter too (names only).
 */
export async function exportMeta(conversation: Conversation, kernels: Kernels): Promise<NotebookMeta> {
  const name = conversation.kernel;
  const specs = await kernels.specs().catch(() => undefined);
  const spec = specs?.kernelspecs.find((candidate) => candidate.name === name);
  const language = spec?.language ?? (/python/i.test(name) ? 'python' : name);
  const live = kernels.get(conversation.id);
  const info = live ? await live.info().catch(() => undefined) : undefined;
  return {
    title: conversation.title,
    conversationId: conversation.id,
    kernelspec: { name, display_name: spec?.displayName ?? name, language },
    language_info: {
      name: info?.language || language,
      ...(info?.languageVersion ? { version: info.languageVersion } : {}),
      ...(info?.fileExtension ? { file_extension: info.fileExtension } : {}),
    },
  };
}
