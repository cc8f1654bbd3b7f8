import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const serverPort = process.env.PORT ?? '8080';

/**
 * The browser client. `npm run build` writes client/dist, which the Talkbook server serves.
 * In `vite dev`, /api (HTTP and WebSocket) is proxied to a running Talkbook server.
 */
export default defineConfig({
  root,
  plugins: [react()],
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
