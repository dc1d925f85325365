/** An AWS-style error: the code is the `name`, as the SDK's errors have it. */
export function awsError(code: string, message: string): Error {
  const error = new Error(message);
  error.name = code;
  return error;
}

/** Thrown by every fake call after a simulated process kill, until `revive()`. */
export class ProcessKilled extends Error {
  constructor() {
    super('simulated crash: the process was killed');
    this.name = 'ProcessKilled';
  }
}
