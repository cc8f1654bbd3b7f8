import { deflateSync } from 'node:zlib';

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A small RGB PNG drawn by `pixel(x, y) → [r, g, b]`, as base64: a stand-in for a matplotlib
 * figure in tests that must not depend on a kernel.
 */
export function pngBase64(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): string {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const offset = y * (width * 3 + 1);
    rows[offset] = 0;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      rows.set([r, g, b], offset + 1 + x * 3);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return png.toString('base64');
}

/** A white plot with axes and a blue sine curve. */
export function sinePlotPng(width = 480, height = 300): string {
  return pngBase64(width, height, (x, y) => {
    const left = 40;
    const bottom = height - 30;
    if ((x === left && y <= bottom && y > 10) || (y === bottom && x >= left && x < width - 10)) return [40, 40, 40];
    const t = ((x - left) / (width - left - 10)) * Math.PI * 3;
    const curve = 10 + ((1 - Math.sin(t)) / 2) * (bottom - 20);
    if (x > left && x < width - 10 && Math.abs(y - curve) < 1.6) return [31, 119, 180];
    return [255, 255, 255];
  });
}
