import { execFileSync } from 'node:child_process';

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { branchNameProblem } from '../../shared/run-config/git-ref-name';
import { codeSchema } from '../../shared/run-config/run-sections';

/** Git's own verdict on `refs/heads/<name>` (the real git, as the executor's checkout uses). */
function gitAccepts(name: string): boolean {
  try {
    execFileSync('git', ['check-ref-format', `refs/heads/${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Names built from the characters git's rules are about, so that most samples hit one of them.
const tricky = fc.constantFrom(
  'a',
  'b',
  'Z',
  '0',
  '.',
  '/',
  '-',
  '_',
  '@',
  '{',
  '~',
  '^',
  ':',
  '?',
  '*',
  '[',
  '\\',
  ' ',
  '\t',
  'é',
  'lock',
  '.lock',
  '..',
  '//',
  '@{',
);
const names = fc.array(tricky, { minLength: 1, maxLength: 8 }).map((parts) => parts.join(''));

describe('branch names follow git check-ref-format', () => {
  it('accepts exactly what git accepts, except a leading "-" (git would read an option)', () => {
    fc.assert(
      fc.property(names, (name) => {
        const ours = branchNameProblem(name) === undefined;
        const git = gitAccepts(name) && !name.startsWith('-');
        expect(ours, `"${name}": ours ${ours}, git ${git}`).toBe(git);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('names each rule in a plain sentence (kept counterexamples of the property)', () => {
    expect(branchNameProblem('main')).toBeUndefined();
    expect(branchNameProblem('feature/x+y')).toBeUndefined();
    expect(branchNameProblem('-x')).toBe('A branch name cannot start with "-".');
    expect(branchNameProblem('a b')).toBe('A branch name cannot contain spaces.');
    expect(branchNameProblem('a..b')).toBe('A branch name cannot contain "..".');
    expect(branchNameProblem('a.lock')).toMatch(/may end with ".lock"/);
    expect(branchNameProblem('x/.y')).toMatch(/may start with "."/);
    expect(branchNameProblem('a@{1}')).toBe('A branch name cannot contain "@{".');
    expect(branchNameProblem('a/')).toBe('A branch name cannot start or end with "/".');
    expect(branchNameProblem('a.')).toBe('A branch name cannot end with ".".');
    expect(branchNameProblem('a\tb')).toBe('A branch name cannot contain control characters.');
  });

  it('the CLI keeps its own wording, with the config key', () => {
    const parsed = codeSchema.safeParse({ repoUrl: 'https://github.com/a/b.git', branch: 'a..b' });
    expect(parsed.error?.issues[0]?.message).toBe(
      'code.branch is not a valid branch name: A branch name cannot contain "..".',
    );
  });
});
