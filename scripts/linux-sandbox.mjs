// Why Electron's Chromium would abort at start on this Linux machine, and the exact fix.
// Pure (facts in, sentence out) so that scripts/linux-sandbox.test.mjs covers every case;
// scripts/check-linux-sandbox.mjs gathers the facts before `npm start` launches Electron.

/**
 * @typedef {object} SandboxFacts
 * @property {NodeJS.Platform} platform
 * @property {number | undefined} uid  this process's user id (0 = root)
 * @property {string | undefined} restrictUserns  /proc/sys/kernel/apparmor_restrict_unprivileged_userns ("1" on Ubuntu ≥ 23.10)
 * @property {string | undefined} usernsClone  /proc/sys/kernel/unprivileged_userns_clone ("0" on some Debian kernels)
 * @property {string} electronPath  the Electron executable
 * @property {{ path: string, uid: number, mode: number } | undefined} sandbox  chrome-sandbox's owner and mode, when it exists
 */

/** The AppArmor profile name the fix installs. */
export const APPARMOR_PROFILE = 'traindeck-electron';

/**
 * The problem that would stop Electron, as lines to print, or undefined when it can start.
 * @param {SandboxFacts} facts
 * @returns {string[] | undefined}
 */
export function linuxSandboxProblem(facts) {
  if (facts.platform !== 'linux') return undefined;
  if (facts.uid === 0) {
    return [
      'Electron refuses to start as root without --no-sandbox, which turns off the renderer sandbox TrainDeck relies on.',
      'Start TrainDeck as your own user (`npm start` without sudo). In a throw-away container only: `npx electron --no-sandbox .`',
    ];
  }
  const namespacesBlocked = facts.restrictUserns === '1' || facts.usernsClone === '0';
  if (!namespacesBlocked || !facts.sandbox) return undefined;
  const { path, uid, mode } = facts.sandbox;
  if (uid === 0 && (mode & 0o7777) === 0o4755) return undefined;
  const why =
    facts.restrictUserns === '1'
      ? "Ubuntu's AppArmor blocks unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1)"
      : 'this kernel does not allow unprivileged user namespaces (kernel.unprivileged_userns_clone=0)';
  return [
    `Electron would abort here ("The SUID sandbox helper binary was found, but is not configured correctly"): ${why}, so Chromium needs its SUID sandbox helper, and ${path} is not owned by root with mode 4755 (it is owned by uid ${uid}, mode ${(mode & 0o7777).toString(8).padStart(4, '0')}).`,
    '',
    'Fix it for this checkout (again after each `npm ci`, which replaces the file):',
    `  sudo chown root:root '${path}' && sudo chmod 4755 '${path}'`,
    '',
    ...(facts.restrictUserns === '1'
      ? [
          'Or let this Electron use user namespaces with an AppArmor profile (stays across `npm ci`):',
          `  sudo tee /etc/apparmor.d/${APPARMOR_PROFILE} >/dev/null <<'EOF'`,
          '  abi <abi/4.0>,',
          '  include <tunables/global>',
          `  profile ${APPARMOR_PROFILE} "${facts.electronPath}" flags=(unconfined) {`,
          '    userns,',
          `    include if exists <local/${APPARMOR_PROFILE}>`,
          '  }',
          '  EOF',
          `  sudo apparmor_parser -r /etc/apparmor.d/${APPARMOR_PROFILE}`,
          '',
        ]
      : []),
    'The installed app does not need this: use the .deb package, which installs the helper correctly (see the README).',
  ];
}
