import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { readBucketInput } from './bucket-input';

describe('the Bucket field reads what people paste', () => {
  it('strips s3:// with a note, and moves a path to the prefix', () => {
    expect(readBucketInput('acme-ml-data')).toEqual({ bucket: 'acme-ml-data', prefix: '' });
    expect(readBucketInput('s3://acme-ml-data')).toEqual({
      bucket: 'acme-ml-data',
      prefix: '',
      note: 'Removed “s3://”: the Bucket field takes the bucket name only.',
    });
    expect(readBucketInput('S3://acme-ml-data/runs/a/ ')).toMatchObject({ bucket: 'acme-ml-data', prefix: 'runs/a' });
    expect(readBucketInput('s3://acme-ml-data/runs/a').note).toMatch(/moved “runs\/a” to Prefix/);
  });

  it('never leaves the scheme in the bucket, and leaves plain names alone', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.boolean(), (rest, url) => {
        const read = readBucketInput(url ? `s3://${rest}` : rest);
        expect(read.bucket).not.toMatch(/^s3:\/\//i);
        if (!url && !/^\s*s3:\/\//i.test(rest)) expect(read).toEqual({ bucket: rest, prefix: '' });
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
