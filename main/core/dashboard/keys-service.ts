import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { KeyFileInfo } from '../../../shared/domain/account';
import { generateSseKey, loadSseKey } from '../../sync/sse-key';
import { absoluteFromWindow } from './paths';

/**
 * SSE-C key files for the wizard: generate or inspect. Only the path and the fingerprint
 * leave main; the key bytes stay in the file (0600).
 */
export const keysService = {
  async generate(path: string): Promise<KeyFileInfo> {
    const file = absoluteFromWindow(path, 'key file');
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    return { path: file, fingerprint: await generateSseKey(file) };
  },
  async inspect(path: string): Promise<KeyFileInfo> {
    const file = absoluteFromWindow(path, 'key file');
    return { path: file, fingerprint: (await loadSseKey(file)).fingerprint };
  },
};
