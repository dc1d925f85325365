import type { BuildOptions } from 'esbuild';

/** Defines `require`, `__filename` and `__dirname` in an ESM bundle that inlines CommonJS packages. */
export declare const esmRequireBanner: string;
/** Options shared by every Node-side bundle: self-contained, optional native helpers left out. */
export declare const common: BuildOptions;
