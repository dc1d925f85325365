import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { makeRunId } from '../../../shared/domain/tags';
import { compactRunId } from './resources';

const runIds = fc
  .record({
    name: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
    at: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }),
    random4: fc.stringMatching(/^[0-9a-f]{4}$/),
  })
  .map(({ name, at, random4 }) => ({ id: makeRunId(name, at, random4), random4 }));

describe('compactRunId: one table line, still telling runs apart', () => {
  it('keeps the start of the name and the random suffix of every id makeRunId writes, in at most 21 characters', () => {
    fc.assert(
      fc.property(runIds, ({ id, random4 }) => {
        const compact = compactRunId(id);
        expect(compact.endsWith(`-${random4}`)).toBe(true);
        expect(compact).toContain('…');
        expect(compact.length).toBeLessThan(id.length);
        expect(compact.length).toBeLessThanOrEqual(21);
        // The name part is a prefix of the id's.
        expect(id.startsWith(compact.slice(0, compact.indexOf('…')).replace(/-$/, ''))).toBe(true);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('gives two runs of the same name different forms when their random suffixes differ', () => {
    const at = new Date('2026-11-24T09:30:12Z');
    expect(compactRunId(makeRunId('resnet50', at, 'a1b2'))).toBe('resnet50-…-a1b2');
    expect(compactRunId(makeRunId('resnet50', at, 'a1b3'))).toBe('resnet50-…-a1b3');
  });

  it('cuts a long name and marks the cut', () => {
    const id = makeRunId('imagenet-finetune-large-batch', new Date('2026-11-24T09:30:12Z'), '9f3c');
    expect(compactRunId(id)).toBe('imagenet-finet…-9f3c');
  });

  it('returns an id of another form whole', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/-\d{8}-\d{6}-[0-9a-f]{4}$/.test(s)),
        (id) => compactRunId(id) === id,
      ),
      { seed: 42, numRuns: 200 },
    );
    expect(compactRunId('run-1')).toBe('run-1');
  });
});
