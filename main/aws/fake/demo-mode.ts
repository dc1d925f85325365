/** Set to "1" by the end-to-end tests (and for demos): the app talks to an in-memory AWS account. Never in a release path. */
export const FAKE_AWS_ENV = 'TRAINDECK_FAKE_AWS';

/** True when the in-memory AWS account was asked for (the demo: the window shows a "nothing is real" badge). */
export function usesFakeAws(env: NodeJS.ProcessEnv): boolean {
  return env[FAKE_AWS_ENV] === '1';
}
