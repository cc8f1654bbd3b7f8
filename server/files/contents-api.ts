import { ServerConnection } from '@jupyterlab/services';
import { z } from 'zod';
import { JupyterUnavailableError, PublicError } from '../errors.ts';

/** A Jupyter contents model (`GET /api/contents/<path>`), the fields Talkbook reads. */
export const contentsModel = z
  .object({
    name: z.string(),
    path: z.string(),
    type: z.enum(['file', 'notebook', 'directory']),
    /** `os.lstat` size on a file-backed server: for a symlink, the link's own length. */
    size: z.number().int().nullable().optional(),
    last_modified: z.string(),
    format: z.string().nullable().optional(),
    content: z.unknown().optional(),
  })
  .loose();
export type ContentsModel = z.infer<typeof contentsModel>;

const directoryListing = contentsModel.extend({ type: z.literal('directory'), content: z.array(contentsModel) });

/** The Jupyter server answered with an error status (`status`: 404, 409, …). */
export class ContentsApiError extends PublicError {
  override name = 'ContentsApiError';
  readonly jupyterStatus: number;
  constructor(message: string, jupyterStatus: number) {
    super(message, 502);
    this.jupyterStatus = jupyterStatus;
  }
}

export interface SaveBody {
  type: 'file' | 'directory';
  format?: 'base64' | 'text';
  content?: string;
  /** LargeFileManager's chunked save: 1, 2, … and -1 for the last chunk. */
  chunk?: number;
}

/**
 * A small client for the Jupyter contents API (`/api/contents`), the only way Talkbook moves
 * workspace bytes: it works the same when Jupyter runs on another machine. Every answer is
 * validated; errors carry the Jupyter status.
 */
export class ContentsApi {
  private readonly settings: ServerConnection.ISettings;

  constructor(settings: ServerConnection.ISettings) {
    this.settings = settings;
  }

  async get(path: string, options: { content: boolean; type?: 'file' | 'directory'; format?: 'base64' }): Promise<ContentsModel> {
    const query = new URLSearchParams({ content: options.content ? '1' : '0' });
    if (options.type) query.set('type', options.type);
    if (options.format) query.set('format', options.format);
    return this.request(path, { method: 'GET' }, 200, contentsModel, query);
  }

  async list(path: string): Promise<ContentsModel[]> {
    const query = new URLSearchParams({ content: '1', type: 'directory' });
    return (await this.request(path, { method: 'GET' }, 200, directoryListing, query)).content;
  }

  save(path: string, body: SaveBody): Promise<ContentsModel> {
    return this.request(path, { method: 'PUT', body: JSON.stringify(body) }, [200, 201], contentsModel);
  }

  /** Rename `from` to `to`; Jupyter answers 409 when `to` exists (it never overwrites). */
  rename(from: string, to: string): Promise<ContentsModel> {
    return this.request(from, { method: 'PATCH', body: JSON.stringify({ path: to }) }, 200, contentsModel);
  }

  async delete(path: string): Promise<void> {
    await this.request(path, { method: 'DELETE' }, 204, z.unknown());
  }

  private async request<S extends z.ZodType>(
    path: string,
    init: RequestInit,
    expected: number | number[],
    schema: S,
    query?: URLSearchParams,
  ): Promise<z.infer<S>> {
    const base = this.settings.baseUrl.endsWith('/') ? this.settings.baseUrl : `${this.settings.baseUrl}/`;
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    const url = `${base}api/contents/${encoded}${query ? `?${query}` : ''}`;
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(url, init, this.settings);
    } catch (error) {
      throw new JupyterUnavailableError(`The Jupyter server did not answer (${init.method} ${path}): ${String(error)}`, { cause: error });
    }
    const ok = Array.isArray(expected) ? expected.includes(response.status) : response.status === expected;
    if (!ok) {
      const detail = await response.json().then((body: { message?: unknown }) => String(body.message ?? ''), () => '');
      throw new ContentsApiError(
        `The Jupyter contents API refused ${init.method} ${path}: ${response.status}${detail ? ` ${detail}` : ''}`,
        response.status,
      );
    }
    if (response.status === 204) return schema.parse(undefined);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw new PublicError(`The Jupyter contents API answered ${init.method} ${path} with an unexpected model: ${parsed.error.message.slice(0, 300)}`, 502);
    }
    return parsed.data;
  }
}

export function isStatus(error: unknown, status: number): boolean {
  return error instanceof ContentsApiError && error.jupyterStatus === status;
}
