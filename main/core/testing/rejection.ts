/** The error a promise rejects with; fails the test if it resolves instead. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { fix?: string; code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { fix?: string; code?: string };
  }
  throw new Error('expected a rejection, but the promise resolved');
}
