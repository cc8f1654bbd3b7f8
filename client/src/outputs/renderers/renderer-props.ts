import type { ComponentType } from 'react';

/** What an interactive output may fall back to: the rest of its bundle. */
export interface OutputBundle {
  data: Readonly<Record<string, unknown>>;
  metadata?: Readonly<Record<string, unknown>>;
}

/** What every MIME renderer is given: one representation of a bundle, and the whole bundle. */
export interface MimeRendererProps {
  mimeType: string;
  value: unknown;
  /** `metadata[mimeType]` (e.g. an image's width and height). */
  metadata: unknown;
  bundle: OutputBundle;
}

/**
 * One entry of the renderer registry, in the manner of JupyterLab's rendermime factories:
 * the MIME types it draws, its rank (higher is preferred when a bundle holds several), and
 * whether it is `safe` — draws untrusted data in the page itself (text, images as data URLs,
 * validated JSON) — or renders only inside a sandboxed frame without `allow-same-origin`.
 */
export interface RendererEntry {
  mimeTypes: readonly string[];
  rank: number;
  safe: boolean;
  component: ComponentType<MimeRendererProps>;
}
