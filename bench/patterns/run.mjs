#!/usr/bin/env node
// npm run bench:patterns: bundles patterns-bench.ts and runs it; arguments pass through.
import { fileURLToPath } from 'node:url';

import { runTsBench } from '../run-ts-bench.mjs';

await runTsBench(fileURLToPath(new URL('./patterns-bench.ts', import.meta.url)));
