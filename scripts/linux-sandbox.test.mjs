import { describe, expect, it } from 'vitest';

import { linuxSandboxProblem } from './linux-sandbox.mjs';

const SANDBOX = '/home/me/traindeck/node_modules/electron/dist/chrome-sandbox';
const ubuntu = {
  platform: 'linux',
  uid: 1000,
  restrictUserns: '1',
  usernsClone: '1',
  electronPath: '/home/me/traindeck/node_modules/electron/dist/electron',
  sandbox: { path: SANDBOX, uid: 1000, mode: 0o100755 },
};

describe('the Linux sandbox check before `npm start`', () => {
  it("on Ubuntu ≥ 23.10 with npm's chrome-sandbox, prints the chown/chmod and the AppArmor profile", () => {
    const text = linuxSandboxProblem(ubuntu)?.join('\n') ?? '';
    expect(text).toContain('kernel.apparmor_restrict_unprivileged_userns=1');
    expect(text).toContain('(it is owned by uid 1000, mode 0755)');
    expect(text).toContain(`sudo chown root:root '${SANDBOX}' && sudo chmod 4755 '${SANDBOX}'`);
    expect(text).toContain('profile traindeck-electron "/home/me/traindeck/node_modules/electron/dist/electron"');
    expect(text).toContain('userns,');
    expect(text).toContain('sudo apparmor_parser -r /etc/apparmor.d/traindeck-electron');
    expect(text).toContain('.deb');
  });

  it('passes once chrome-sandbox is root-owned with mode 4755', () => {
    expect(linuxSandboxProblem({ ...ubuntu, sandbox: { path: SANDBOX, uid: 0, mode: 0o104755 } })).toBeUndefined();
  });

  it('still fails for a root-owned helper without the setuid bit', () => {
    expect(linuxSandboxProblem({ ...ubuntu, sandbox: { path: SANDBOX, uid: 0, mode: 0o100755 } })).toBeDefined();
  });

  it('passes where user namespaces are allowed (Chromium then needs no SUID helper)', () => {
    expect(linuxSandboxProblem({ ...ubuntu, restrictUserns: '0' })).toBeUndefined();
    expect(linuxSandboxProblem({ ...ubuntu, restrictUserns: undefined, usernsClone: undefined })).toBeUndefined();
  });

  it('names the Debian kernel switch, without the AppArmor profile, where that is what blocks', () => {
    const text = linuxSandboxProblem({ ...ubuntu, restrictUserns: undefined, usernsClone: '0' })?.join('\n') ?? '';
    expect(text).toContain('kernel.unprivileged_userns_clone=0');
    expect(text).not.toContain('apparmor_parser');
  });

  it('says how to start when run as root, and is silent on macOS and Windows', () => {
    expect(linuxSandboxProblem({ ...ubuntu, uid: 0 })?.[0]).toMatch(/refuses to start as root/);
    expect(linuxSandboxProblem({ ...ubuntu, platform: 'darwin' })).toBeUndefined();
    expect(linuxSandboxProblem({ ...ubuntu, platform: 'win32' })).toBeUndefined();
  });
});
