import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { StoreCredentialsExposure } from './trust-gate';

/** Asks (or not) before an S3-compatible store's own credentials leave this computer. */
export type StoreCredentialsConfirm = (exposure: StoreCredentialsExposure) => Promise<void>;

interface ConsentFile {
  version: 1;
  confirmed: Array<{ endpoint: string; accessKeyId: string; at: string }>;
}

/** Where the confirmations live: main's own folder in the app data folder, never a path the window names. */
export function storeConsentFile(dataDir: string): string {
  return join(dataDir, 'trust', 'store-credentials.json');
}

/**
 * Asks `confirm` the first time a store's credentials (endpoint + access key id) would be sent
 * as they are, and remembers a yes in {@link storeConsentFile}; later runs with the same store and
 * key are not asked again. A refusal is not remembered (the next run asks again); a file that
 * cannot be read or parsed counts as no confirmation.
 */
export function confirmStoreCredentialsOnce(
  dataDir: string,
  confirm: StoreCredentialsConfirm,
): StoreCredentialsConfirm {
  const file = storeConsentFile(dataDir);
  return async (exposure) => {
    const endpoint = normalEndpoint(exposure.endpoint);
    const known = readConsent(file);
    if (known.confirmed.some((c) => c.endpoint === endpoint && c.accessKeyId === exposure.accessKeyId)) return;
    await confirm(exposure);
    const next: ConsentFile = {
      version: 1,
      confirmed: [
        ...readConsent(file).confirmed,
        { endpoint, accessKeyId: exposure.accessKeyId, at: new Date().toISOString() },
      ],
    };
    mkdirSync(join(dataDir, 'trust'), { recursive: true, mode: 0o700 });
    // Whole file or nothing: a crash mid-write leaves the old answers, never half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  };
}

function readConsent(file: string): ConsentFile {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ConsentFile>;
    const confirmed = Array.isArray(parsed.confirmed) ? parsed.confirmed : [];
    return {
      version: 1,
      confirmed: confirmed.filter(
        (c) => typeof c?.endpoint === 'string' && typeof c.accessKeyId === 'string' && typeof c.at === 'string',
      ),
    };
  } catch {
    return { version: 1, confirmed: [] };
  }
}

// "http://h:7480/" and "http://h:7480" are one store.
function normalEndpoint(endpoint: string): string {
  return endpoint.trim().replace(/\/+$/, '');
}
