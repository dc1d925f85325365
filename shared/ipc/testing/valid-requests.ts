import type { CommandName, CommandRequest } from '../contract';

/**
 * One valid request per command, for contract tests. A mapped type, so adding a command
 * without a sample here is a compile error, and the tests cover it automatically.
 */
export const VALID_REQUESTS: { [C in CommandName]: CommandRequest<C> } = {
  'app.info': {},
  'app.ping': { echo: 'hello' },
  'system.doctor': {},
  'jobs.list': {},
  'jobs.cancel': { jobId: 'no-such-job' },
};
