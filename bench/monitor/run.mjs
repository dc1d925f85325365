#!/usr/bin/env node
// npm run bench:monitor: bundles monitor-bench.ts and runs it; arguments pass through.
import { fileURLToPath } from 'node:url';

import { runTsBench } from '../run-ts-bench.mjs';

await runTsBench(fileURLToPath(new URL('./monitor-bench.ts', import.meta.url)));
