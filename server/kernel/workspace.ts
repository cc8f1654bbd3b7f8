import { Drive, ServerConnection } from '@jupyterlab/services';
import { KernelStartError } from '../errors.ts';

/**
 * Make sure a conversation's workspace folder exists on the Jupyter side, through the contents
 * API (so it works when Jupyter runs on another machine). Jupyter starts a kernel whose `path`
 * does not exist in the root folder, which would let it see every workspace: never do that.
 */
export async function ensureWorkspace(settings: ServerConnection.ISettings, folder: string, files: FilesSetting = 'auto'): Promise<'contents' | 'kernel'> {
  if ((await workspaceMode(settings, files)) === 'kernel') return 'kernel';
  const drive = new Drive({ serverSettings: settings });
  try {
    const existing = await drive.get(folder, { content: false });
    if (existing.type === 'directory') return 'contents';
    throw new KernelStartError(`The workspace path "${folder}" exists on the Jupyter server but is not a folder.`);
  } catch (error) {
    if (error instanceof KernelStartError) throw error;
    if (!(error instanceof ServerConnection.ResponseError) || error.response.status !== 404) {
      throw new KernelStartError(`Could not check the workspace folder on the Jupyter server: ${String(error)}`, { cause: error });
    }
  }
  try {
    await drive.save(folder, { type: 'directory' });
  } catch (error) {
    throw new KernelStartError(`Could not create the workspace folder on the Jupyter server: ${String(error)}`, { cause: error });
  }
  return 'contents';
}

/**
 * How workspaces are made and files moved (TALKBOOK_FILES): `auto` uses the contents API where
 * the server has one; `kernel` always goes through the kernel, for a Jupyter Server whose
 * kernels run elsewhere (its own gateway mode) and so do not share its disk.
 */
export type FilesSetting = 'auto' | 'contents' | 'kernel';

export async function workspaceMode(settings: ServerConnection.ISettings, files: FilesSetting): Promise<'contents' | 'kernel'> {
  if (files !== 'auto') return files;
  return (await hasContentsApi(settings)) ? 'contents' : 'kernel';
}

const contentsApi = new WeakMap<ServerConnection.ISettings, Promise<boolean>>();

/**
 * Whether the server has a contents API: Jupyter Server does; Kernel Gateway and Enterprise
 * Gateway do not (then the kernel makes and enters its workspace itself and moves files: `kernel-files.ts`).
 */
export function hasContentsApi(settings: ServerConnection.ISettings): Promise<boolean> {
  let known = contentsApi.get(settings);
  if (!known) {
    const url = `${settings.baseUrl.replace(/\/?$/, '/')}api/contents?content=0`;
    known = ServerConnection.makeRequest(url, { method: 'GET' }, settings).then(
      (response) => response.status !== 404,
      () => {
        // Unreachable for now: assume the usual (Jupyter Server) and ask again next time.
        contentsApi.delete(settings);
        return true;
      },
    );
    contentsApi.set(settings, known);
  }
  return known;
}

/**
 * Code that makes a kernel of another language create and enter its conversation's folder when
 * the server has no contents API (Python kernels run `kernel-files.py`, which also moves files).
 * `undefined` for a language Talkbook does not know how to do that in.
 */
export function enterFolderCode(language: string, folder: string): string | undefined {
  const name = JSON.stringify(folder);
  switch (language.toLowerCase()) {
    case 'r':
      return `local({ dir.create(${name}, showWarnings = FALSE); setwd(${name}) })`;
    default:
      return undefined;
  }
}
