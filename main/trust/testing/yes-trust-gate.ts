import { resolve } from 'node:path';

import { expandHome } from '../../config/resolve-config-paths';
import type { TrustGate } from '../trust-gate';

/**
 * For tests about something else than trust: a gate whose user says yes to every question and
 * allows every path. The gates themselves are tested with their real implementations
 * (main/web/browser-trust, main/app/electron-trust) in main/composition/compromised-page.test.ts.
 */
export function yesTrustGate(): TrustGate {
  const absolute = (path: string) => resolve(expandHome(path.trim()));
  return {
    kind: 'browser',
    refusalHint: 'never refused in this test',
    readable: async (paths) => paths.map(absolute),
    writable: async (path) => absolute(path),
    chooseFolder: async (path) => absolute(path ?? '.'),
    confirmRun: async () => {},
    confirmStoreCredentials: async () => {},
    confirmPlaintextExport: async () => {},
    showKillPhrase: async () => ({ shownIn: 'nowhere (test)' }),
  };
}
