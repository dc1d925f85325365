// What a macOS release build needs from the environment, and the sentence when it is missing.
// Pure, so scripts/mac-release.test.mjs covers it; scripts/dist.mjs applies it before packaging.

/** Notarization credentials electron-builder accepts, in the order it tries them (first is recommended). */
export const NOTARY_CREDENTIALS = [
  ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'],
  ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'],
  ['APPLE_KEYCHAIN', 'APPLE_KEYCHAIN_PROFILE'],
];

/**
 * Whether `electron-builder ARGS` on `platform` builds for macOS: `--mac`/`-m`, or no target flag on a Mac.
 * @param {string[]} args
 * @param {NodeJS.Platform} platform
 */
export function buildsForMac(args, platform) {
  if (args.some((arg) => ['--mac', '-m', '--macos', '-o'].includes(arg))) return true;
  const otherTarget = args.some((arg) => ['--linux', '-l', '--win', '-w', '--windows'].includes(arg));
  return platform === 'darwin' && !otherTarget;
}

/**
 * The lines to print when a macOS build lacks its signing or notarization variables, or undefined.
 * `TRAINDECK_UNSIGNED_MAC=1` builds an unsigned app on purpose (for this Mac only).
 * @param {Record<string, string | undefined>} env
 * @returns {string[] | undefined}
 */
export function macReleaseProblem(env) {
  if (env.TRAINDECK_UNSIGNED_MAC === '1') return undefined;
  const missing = [];
  // A keychain identity (CSC_NAME) works on a Mac that has it; CSC_LINK is the portable way.
  if (!env.CSC_LINK && !env.CSC_NAME) missing.push('a signing certificate: CSC_LINK (+ CSC_KEY_PASSWORD) or CSC_NAME');
  if (!NOTARY_CREDENTIALS.some((set) => set.every((name) => env[name]))) {
    missing.push(`notarization credentials: ${NOTARY_CREDENTIALS.map((set) => set.join(' + ')).join(', or ')}`);
  }
  if (missing.length === 0) return undefined;
  return [
    `A macOS build of TrainDeck must be signed and notarized (Gatekeeper blocks an unsigned download, and macOS delivers no notifications to it), and this environment lacks ${missing.join('; and ')}.`,
    'Set them as the README says (Release builds), or build an unsigned app for this Mac only with TRAINDECK_UNSIGNED_MAC=1.',
  ];
}
