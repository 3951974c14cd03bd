import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The web console, built to static files that the management API serves at `/` (src/api/console.ts).
 * Everything lands in dist/assets/ under content-hashed names, so the server can cache it for a year.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Relative URLs, so the console also works behind a reverse proxy that mounts Gatehouse under a path prefix.
  base: './',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inline data: URLs for assets and no modulepreload polyfill: the CSP allows scripts from 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
  server: { proxy: { '/v1': 'http://127.0.0.1:8080' } },
});
