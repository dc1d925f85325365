import { z } from 'zod';

// The renderer validates the run config with the shared zod schemas. zod compiles object
// parsers with `new Function` unless told not to, and probes for it when an object schema is
// built; the strict CSP (no 'unsafe-eval') would report that probe. So: jitless, set before
// any schema module is evaluated — main.tsx imports this file first.
z.config({ jitless: true });
