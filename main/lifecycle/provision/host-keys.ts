/**
 * The SSH host key fingerprints cloud-init prints to the console at first boot, between its
 * BEGIN/END markers: pinning them means even the first SSH connection is verified.
 */
export function parseHostKeyFingerprints(consoleOutput: string): string[] {
  const match = /-----BEGIN SSH HOST KEY FINGERPRINTS-----([\s\S]*?)-----END SSH HOST KEY FINGERPRINTS-----/.exec(
    consoleOutput,
  );
  if (!match?.[1]) return [];
  return [...match[1].matchAll(/(SHA256:[A-Za-z0-9+/=]+)/g)].map((m) => m[1] ?? '').filter(Boolean);
}
