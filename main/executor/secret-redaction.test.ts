import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { SecretRedactor } from './secret-redactor';
import { startTraining } from './train';
import { MAX_SEGMENT_CHARS, TrainOutput } from './train-output';

const dir = mkdtempSync(join(tmpdir(), 'traindeck-redaction-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Feeds `text` in the given chunk sizes; returns every line and bar that left TrainOutput. */
function run(secrets: Record<string, string>, text: string, sizes: number[]) {
  const out: string[] = [];
  const output = new TrainOutput(
    { line: (line) => out.push(line), bar: (bar) => out.push(bar) },
    () => 0,
    new SecretRedactor(secrets),
  );
  let at = 0;
  for (let i = 0; at < text.length; i++) {
    const size = sizes.length ? sizes[i % sizes.length]! : text.length;
    output.push(text.slice(at, at + size));
    at += size;
  }
  output.end();
  return out;
}

const secretValue = fc.stringMatching(/^[A-Za-z0-9_=+/-]{6,40}$/);
const filler = fc.stringMatching(/^[ a-z0-9:=\r\n]{0,60}$/);

describe('secret env values never leave the training output unredacted', () => {
  it('whatever the chunking, \\r redraws and line ends around them (property)', () => {
    fc.assert(
      fc.property(
        secretValue,
        fc.array(fc.tuple(filler, fc.boolean()), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 5 }),
        (secret, parts, sizes) => {
          const text = parts.map(([before, withSecret]) => before + (withSecret ? secret : '')).join('') + '\n';
          for (const piece of run({ WANDB_API_KEY: secret }, text, sizes)) expect(piece).not.toContain(secret);
          if (parts.some(([, withSecret]) => withSecret)) {
            expect(run({ WANDB_API_KEY: secret }, text, sizes).join('\n')).toContain('«redacted WANDB_API_KEY»');
          }
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('a line without end is cut where no value is split, at every position around the cut (named: the 64 KiB boundary)', () => {
    const secret = 'hf_0123456789abcdefSECRET';
    for (let offset = -secret.length; offset <= 1; offset++) {
      const text = 'x'.repeat(MAX_SEGMENT_CHARS + offset) + secret + 'y'.repeat(MAX_SEGMENT_CHARS) + '\n';
      const pieces = run({ HF_TOKEN: secret }, text, [4096]);
      for (const piece of pieces) expect(piece, `offset ${offset}`).not.toContain(secret);
      expect(pieces.join(''), `offset ${offset}`).toContain('«redacted HF_TOKEN»');
      // Nothing else is lost: the text is what came, with the value replaced.
      expect(pieces.join('')).toBe(text.slice(0, -1).replace(secret, '«redacted HF_TOKEN»'));
    }
  });

  it('a value of several lines (a PEM key) is redacted whole and line by line; the longest value wins', () => {
    const pem = '-----BEGIN KEY-----\nAAAAB3NzaC1yc2EAAAADAQABAAABAQ\n-----END KEY-----';
    const out = run({ PEM: pem, SHORT: 'AAAAB3' }, `got ${pem}\n`, [5]);
    expect(out.join('\n')).not.toContain('AAAAB3NzaC1yc2EAAAADAQABAAABAQ');
    expect(out).toContain('«redacted PEM»');
    expect(run({ LONG: 'abcdefgh123', SHORT: 'abcdef' }, 'x abcdefgh123 y abcdef\n', [3])).toEqual([
      'x «redacted LONG» y «redacted SHORT»',
    ]);
  });

  it('a value holding a lone \\r (a file saved with old Mac line ends) is redacted part by part: the log cuts at \\r too', () => {
    const secret = 'user-0123456789\rpass-abcdefghij';
    for (const sizes of [[], [1], [7]]) {
      const out = run({ CREDS: secret }, `creds ${secret}\n`, sizes).join('\n');
      expect(out, `chunks ${sizes.join(',')}`).not.toContain('user-0123456789');
      expect(out, `chunks ${sizes.join(',')}`).not.toContain('pass-abcdefghij');
      expect(out).toContain('«redacted CREDS»');
    }
  });

  it('no secret env: the output is what TrainOutput makes without a redactor', () => {
    const text = 'a\rb\rc\nd «redacted X» e\n';
    const plain: string[] = [];
    const output = new TrainOutput({ line: (l) => plain.push(l), bar: (b) => plain.push(b) }, () => 0);
    output.push(text);
    output.end();
    expect(run({}, text, [2])).toEqual(plain);
  });

  it('a real training command: train.log and the live bar hold the marker, not the value', async () => {
    const secret = 'wandb-v1-abcdefabcdef0123';
    const logFile = join(dir, 'train.log');
    const liveBarFile = join(dir, 'live.json');
    const training = startTraining(
      'printf "key=$WANDB_API_KEY\\n"; printf "bar $WANDB_API_KEY\\r" >&2; sleep 0.2; printf "bar 2\\r" >&2; echo >&2',
      {
        cwd: dir,
        env: { ...process.env, WANDB_API_KEY: secret },
        logFile,
        liveBarFile,
        redactor: new SecretRedactor({ WANDB_API_KEY: secret }),
      },
    );
    expect(await training.exited).toEqual({ code: 0, signal: null });
    const log = readFileSync(logFile, 'utf8');
    expect(log).toContain('key=«redacted WANDB_API_KEY»');
    expect(readFileSync(liveBarFile, 'utf8')).toContain('bar 2');
    expect(log).not.toContain(secret);
    expect(readFileSync(liveBarFile, 'utf8')).not.toContain(secret);
  });
});
