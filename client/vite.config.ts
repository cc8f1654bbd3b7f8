import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';
import { fileURLToPath } from 'node:url';
import { FRAME_CSP } from '../server/http/security-headers.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const serverPort = process.env.PORT ?? '8080';

/**
 * The browser client. `npm run build` writes client/dist (with `.br` and `.gz` copies), which
 * the Talkbook server serves.
 * In `vite dev`, /api (HTTP and WebSocket) is proxied to a running Talkbook server.
 */
export default defineConfig({
  root,
  plugins: [
    react(),
    // In `vite dev` too, the output frame gets its CSP: frame-boot.js renders outputs without
    // scripts when it finds Trusted Types not enforced.
    {
      name: 'talkbook-frame-csp',
      configureServer(server) {
        server.middlewares.use((req, res, next) => {
          if (req.url?.split('?')[0] === '/frame.html') res.setHeader('Content-Security-Policy', FRAME_CSP);
          next();
        });
      },
    },
    // Brotli and gzip copies next to each asset; the server sends the one the browser accepts
    // (Plotly alone is 4.8 MB as is, about 1 MB as Brotli).
    compression({
      algorithms: [defineAlgorithm('brotliCompress'), defineAlgorithm('gzip', { level: 9 })],
      include: /\.(js|css|html|svg|json|map)$/,
      threshold: 1024,
      skipIfLargerOrEqual: true,
      logLevel: 'silent',
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Heavy renderers (Markdown + KaTeX + highlight.js, CodeMirror) are split into lazy chunks.
    chunkSizeWarningLimit: 800,
  },
  server: {
    fs: { allow: ['..'] },
    proxy: { '/api': { target: `http://127.0.0.1:${serverPort}`, ws: true } },
  },
});
