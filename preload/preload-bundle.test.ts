import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The preload runs on every page load in a sandbox: it must stay a small, self-contained CJS
 * bundle. Zod in it would build every schema per load (and its JIT probe would trip the CSP).
 * Bundled here with the same options as scripts/build-node.mjs, so this runs without `npm run build`.
 */
describe('the preload bundle', () => {
  it('does not contain zod and stays small', async () => {
    const result = await build({
      entryPoints: ['preload/index.ts'],
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'node',
      target: 'node22',
      external: ['electron'],
      logLevel: 'silent',
      metafile: true,
    });
    const text = result.outputFiles[0]?.text ?? '';
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((file) => file.includes('node_modules/'))).toEqual([]);
    expect(inputs).not.toContain('shared/ipc/contract.ts');
    // zod's own markers, in case it ever arrives under another path.
    expect(text).not.toMatch(/ZodError|\$ZodType|zod/i);
    expect(text.length).toBeLessThan(20_000);
  });
});
