// The Debian packages the test suite runs against: Chromium (renderer e2e), Ceph RGW (a real S3),
// OpenSSH server and git (the run pipeline's "instance" and its repository served over SSH), xvfb
// (xvfb-run: a display for the Electron specs where the Electron binary exists and no desktop does).
// `npm test` calls ensureSystemPackages() first: as root it installs what is missing (as .ci/run did),
// otherwise it names the exact command and the suite goes on (the tests that need a package then fail
// with their own reason).
import { spawnSync } from 'node:child_process';

export const SYSTEM_PACKAGES = ['chromium', 'radosgw', 'ceph-mon', 'ceph-osd', 'openssh-server', 'git', 'xvfb'];

/** The packages of SYSTEM_PACKAGES that dpkg does not list as installed (all of them where there is no dpkg). */
export function missingPackages(packages = SYSTEM_PACKAGES) {
  return packages.filter((name) => {
    const status = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return !(status.status === 0 && status.stdout.includes('install ok installed'));
  });
}

/** Installs missing packages as root; says what to install otherwise. Returns false when some are still missing. */
export function ensureSystemPackages() {
  const hasDpkg = spawnSync('dpkg-query', ['--version']).status === 0;
  if (!hasDpkg) {
    console.log(`Not a Debian-based system: install ${SYSTEM_PACKAGES.join(', ')} (or their equivalents) yourself.`);
    return false;
  }
  const missing = missingPackages();
  if (missing.length === 0) return true;
  if (process.getuid?.() !== 0) {
    console.log(
      `Missing Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get install -y --no-install-recommends ${missing.join(' ')}`,
    );
    return false;
  }
  console.log(`Installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  // A fresh machine has no package lists yet: update once when the first try fails.
  if (install().status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    if (install().status !== 0) return false;
  }
  return missingPackages().length === 0;
}
