import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

import { RENDERER_CSP } from './shared/security/csp.ts';

/** Puts the one CSP into the built index.html (the dev server needs inline scripts, so build only). */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'traindeck-csp',
    apply: 'build',
    transformIndexHtml: (html) =>
      html.replace('<head>', `<head>\n    <meta http-equiv="Content-Security-Policy" content="${RENDERER_CSP}" />`),
  };
}

export default defineConfig({
  root: 'renderer',
  // Relative asset URLs: the same build loads from app://traindeck/ (Electron) and from the browser host.
  base: './',
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1200,
  },
});
