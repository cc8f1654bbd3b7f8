import { z } from 'zod';

const sizeMetadata = z.object({ width: z.number().positive().optional(), height: z.number().positive().optional() });

/** A base64 PNG/JPEG/GIF/WebP from the kernel, at the size its metadata asks for (retina plots). */
export function ImageOutput({ mimeType, value, metadata }: { mimeType: string; value: string; metadata: unknown }) {
  const size = sizeMetadata.safeParse(metadata);
  const width = size.success ? size.data.width : undefined;
  const height = size.success ? size.data.height : undefined;
  return (
    <img
      className="output-image"
      src={`data:${mimeType};base64,${value.replace(/\s+/g, '')}`}
      alt="Image output"
      width={width}
      height={width ? height : undefined}
      loading="lazy"
      decoding="async"
    />
  );
}
