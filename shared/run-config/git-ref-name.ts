/**
 * Git's ref-name rules (`git check-ref-format`, applied to `refs/heads/<name>`) for a branch
 * to check out, plus two of TrainDeck's own: no leading "-" (git would read an option) and at
 * most 200 characters. Each problem is a plain sentence about the name, without a config key,
 * so the wizard shows it under its Branch field and the CLI prefixes the key.
 */
export function branchNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Give a branch name, e.g. main.';
  if (name.length > 200) return 'A branch name has at most 200 characters.';
  if (name.startsWith('-')) return 'A branch name cannot start with "-".';
  // Control characters (and DEL), space and the characters git reserves for revision syntax.
  const bad = [...name].find((c) => c < ' ' || c === '\u007f' || ' ~^:?*[\\'.includes(c));
  if (bad !== undefined) {
    return bad === ' '
      ? 'A branch name cannot contain spaces.'
      : bad < ' ' || bad === '\u007f'
        ? 'A branch name cannot contain control characters.'
        : `A branch name cannot contain "${bad}".`;
  }
  if (name.startsWith('/') || name.endsWith('/')) return 'A branch name cannot start or end with "/".';
  if (name.includes('//')) return 'A branch name cannot contain "//".';
  if (name.includes('..')) return 'A branch name cannot contain "..".';
  if (name.includes('@{')) return 'A branch name cannot contain "@{".';
  if (name.endsWith('.')) return 'A branch name cannot end with ".".';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return 'No part of a branch name (between "/") may start with ".".';
    if (part.endsWith('.lock')) return 'No part of a branch name (between "/") may end with ".lock".';
  }
  return undefined;
}
