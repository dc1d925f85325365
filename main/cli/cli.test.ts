import { describe, expect, it } from 'vitest';

import { APP_VERSION } from '../core/version';
import { cliInMemory } from './testing/cli-in-memory';

const cli = (...argv: string[]) => cliInMemory('/tmp/td', ...argv);

describe('traindeck CLI', () => {
  it('prints the version', async () => {
    expect(await cli('--version')).toEqual({ code: 0, out: `${APP_VERSION}\n`, err: '' });
  });

  it('lists its commands in --help', async () => {
    const { code, out } = await cli('--help');
    expect(code).toBe(0);
    expect(out).toMatch(/doctor\s+show the AWS profile/);
  });

  it('prints an unknown command as one line on stderr and exits 2', async () => {
    const { code, out, err } = await cli('lauch');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe('traindeck: unknown command "lauch". Run `traindeck --help` for the list.\n');
  });

  it('prints a bad option as one line with the usage and exits 2', async () => {
    const { code, err } = await cli('doctor', '--jsn');
    expect(code).toBe(2);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toContain("'--jsn'");
    expect(err).toContain('Usage: traindeck doctor [--json]');
  });

  it('doctor --json prints the report as JSON, and exits 1 when a check fails (no credentials here)', async () => {
    const { code, out } = await cli('doctor', '--json');
    const report = JSON.parse(out) as { checks: Array<{ id: string; status: string }> };
    expect(report.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['node', 'electron', 'aws-profile', 'aws-region', 'aws-endpoints']),
    );
    // No credentials is a failure (#15 point 7), and a failed check is the exit code scripts read.
    expect(report.checks.find((c) => c.id === 'aws-credentials')?.status).toBe('fail');
    expect(code).toBe(1);
  });

  it('doctor prints one aligned line per check with fixes under them', async () => {
    const { out } = await cli('doctor');
    expect(out).toMatch(/^✓ Node\.js\s+v\d+/m);
    expect(out).toMatch(/^! AWS region\s+not set\n\s+→ Set AWS_REGION/m);
  });
});
