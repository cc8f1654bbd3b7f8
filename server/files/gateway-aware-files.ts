import type { ServerConnection } from '@jupyterlab/services';
import { workspaceMode, type FilesSetting } from '../kernel/workspace.ts';
import type { FileDownload, WorkspaceFile, WorkspaceFiles } from './workspace-files.ts';

/**
 * `WorkspaceFiles` that asks the Jupyter server once whether it has a contents API (Jupyter
 * Server does) and otherwise moves files through the kernel (Kernel Gateway, Enterprise Gateway),
 * unless TALKBOOK_FILES says which.
 */
export class GatewayAwareFiles implements WorkspaceFiles {
  private readonly settings: ServerConnection.ISettings;
  private readonly contents: WorkspaceFiles;
  private readonly throughKernel: WorkspaceFiles;
  private readonly setting: FilesSetting;

  constructor(settings: ServerConnection.ISettings, contents: WorkspaceFiles, throughKernel: WorkspaceFiles, setting: FilesSetting = 'auto') {
    this.settings = settings;
    this.setting = setting;
    this.contents = contents;
    this.throughKernel = throughKernel;
  }

  private async pick(): Promise<WorkspaceFiles> {
    return (await workspaceMode(this.settings, this.setting)) === 'contents' ? this.contents : this.throughKernel;
  }

  async list(conversationId: string): Promise<WorkspaceFile[]> {
    return (await this.pick()).list(conversationId);
  }

  async read(conversationId: string, name: string): Promise<FileDownload> {
    return (await this.pick()).read(conversationId, name);
  }

  async write(conversationId: string, name: string, bytes: AsyncIterable<Uint8Array>): Promise<WorkspaceFile> {
    return (await this.pick()).write(conversationId, name, bytes);
  }

  async delete(conversationId: string, name: string): Promise<void> {
    return (await this.pick()).delete(conversationId, name);
  }

  async deleteWorkspace(conversationId: string): Promise<void> {
    return (await this.pick()).deleteWorkspace(conversationId);
  }
}
