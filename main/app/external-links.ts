/**
 * The only sites TrainDeck opens in the user's browser: documentation. A page asking to open any
 * other URL (window.open, a target=_blank link) gets nothing: a compromised page must not be able
 * to launch the browser at a site of its choice, or hand a custom scheme to another program.
 */
export const DOCUMENTATION_HOSTS: readonly string[] = [
  'docs.aws.amazon.com',
  'aws.amazon.com',
  'console.aws.amazon.com',
  'github.com',
  'docs.github.com',
  'www.electronjs.org',
];

/** True for an https URL without credentials on one of {@link DOCUMENTATION_HOSTS} (default port only). */
export function isDocumentationUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' &&
    url.username === '' &&
    url.password === '' &&
    url.port === '' &&
    DOCUMENTATION_HOSTS.includes(url.hostname)
  );
}
