import { describe, expect, it } from 'vitest';

import { storageSchema } from './schema';

// Invariant: every local file belongs to one sync folder, and TrainDeck's own files (`.traindeck`:
// sync state, upload journal, temp files; in S3 the key marker) to none. Break-it review of the
// download path: the schema compared folder paths as strings only, so `.traindeck` (or its `tmp`)
// as a folder, and two folders of which one holds the other ("logs" and "logs/run1", or "logs" and
// "./logs"), were accepted: a pull wrote over the sync state or into the temp folder (whose files the
// next sync removes), and one file belonged to two folders (pulled by both, pushed to both).
const folder = (name: string, local: string, remote = name) => ({ name, local, remote, policy: 'local-wins' });
const issues = (folders: unknown[]) => {
  const result = storageSchema.safeParse({ bucket: 'td-data', sseKeyFile: 'k', folders });
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
};

describe('sync folders of the storage section', () => {
  it('accepts folders side by side, nested names that only share a prefix of letters, and one folder for the whole data folder', () => {
    expect(issues([folder('a', 'logs'), folder('b', 'logs2'), folder('c', 'models/x', 'models-x')])).toEqual([]);
    expect(issues([folder('all', '.', 'everything')])).toEqual([]);
  });

  it('refuses `.traindeck` or a folder inside it, on either side, with a sentence that says what to do', () => {
    for (const path of ['.traindeck', '.traindeck/tmp', './.traindeck', '.traindeck/']) {
      expect(issues([folder('a', path, 'a')]), path).toEqual([
        expect.stringMatching(
          /may not be "\.traindeck" or inside it: TrainDeck keeps its own files there\. Pick another folder/,
        ),
      ]);
      expect(issues([folder('a', 'a', path)]), path).toHaveLength(1);
    }
  });

  it('refuses two folders of which one holds the other, or one folder spelt twice, locally or in S3', () => {
    for (const [one, two] of [
      ['logs', 'logs/run1'],
      ['logs/run1', 'logs'],
      ['logs', './logs'],
      ['logs', 'logs/'],
      ['.', 'logs'],
    ]) {
      expect(issues([folder('a', one!, 'a'), folder('b', two!, 'b')]), `${one} ${two}`).toEqual([
        expect.stringMatching(
          /folders "a" and "b" overlap: local ".*" and ".*" are the same folder or one holds the other, so their files would belong to both\. Give each folder its own local path, side by side/,
        ),
      ]);
      expect(issues([folder('a', 'a', one!), folder('b', 'b', two!)]), `${one} ${two}`).toEqual([
        expect.stringMatching(/overlap: remote/),
      ]);
    }
  });
});
