// Build of the dashboard (src/web) into dist/web: Preact through esbuild's automatic JSX runtime (no Babel, no
// dev-server plugin needed), assets under /tasker/ui/ (the server rewrites that base for another API prefix), no
// inline scripts or styles so the page runs under a strict Content-Security-Policy.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/tasker/ui/',
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    reportCompressedSize: false,
    sourcemap: false,
  },
});
