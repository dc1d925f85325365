import { describe, expect, it } from 'vitest';

import { DEFAULT_SYNC_FOLDERS, type SyncFolder } from '../../shared/run-config/schema';
import { verificationByFolder } from './verify-by-folder';

const file = (key: string) => ({ key, size: 1, sha256: 'x' });

describe('verificationByFolder', () => {
  it('counts checked files and problems under each folder prefix, every folder listed', () => {
    const expected = ['p/logs/train.log', 'p/logs/metrics.jsonl', 'p/models/model.pkl'].map(file);
    expect(
      verificationByFolder(expected, ['p/models/model.pkl', 'elsewhere/x'], DEFAULT_SYNC_FOLDERS.slice(1), 'p'),
    ).toEqual([
      { folder: 'logs', policy: 'local-wins', ok: true, checked: 2, mismatches: 0 },
      { folder: 'models', policy: 'local-wins', ok: false, checked: 1, mismatches: 1 },
      { folder: 'checkpoints', policy: 'newest-wins', ok: true, checked: 0, mismatches: 0 },
    ]);
  });

  it('gives a key to the folder with the longest prefix when folders nest in S3', () => {
    const folders: SyncFolder[] = [
      { name: 'models', local: 'models', remote: 'models', policy: 'local-wins' },
      { name: 'best', local: 'best', remote: 'models/best', policy: 'local-wins' },
    ];
    const result = verificationByFolder([file('models/a'), file('models/best/b')], ['models/best/b'], folders, '');
    expect(result.map((r) => [r.folder, r.checked, r.mismatches])).toEqual([
      ['models', 1, 0],
      ['best', 1, 1],
    ]);
  });
});
