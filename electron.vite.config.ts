import { resolve } from 'node:path';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// One config for the three bundles (see README "Building"): main as ESM for Electron's Node,
// the preload as a single CommonJS file (a sandboxed preload cannot `require` local files, so
// its dependencies are bundled in), the renderer as a plain Vite web build.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rolldownOptions: { input: { app: resolve(import.meta.dirname, 'main/app.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: resolve(import.meta.dirname, 'main/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    // Relative asset URLs: browser mode serves the page under /s/<per-launch token>/.
    base: './',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      // electron-vite leaves the renderer unminified; minified, the first step's JavaScript is
      // about a third of the bytes (README "Performance": at most 150 KB gzip), and the build
      // prints each chunk's gzip size so a regression shows in its output.
      minify: true,
      reportCompressedSize: true,
      rolldownOptions: { input: resolve(import.meta.dirname, 'renderer/index.html') },
    },
  },
});
