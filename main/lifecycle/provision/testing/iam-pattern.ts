/** IAM's matching of a Resource or StringLike pattern: `*` any run, `?` one character, `${…}` a variable (any value). */
export function iamPatternMatches(pattern: string, value: string): boolean {
  const regex = pattern
    .split(/(\$\{[^}]*\}|\*|\?)/)
    .map((part) =>
      part === '*' || part.startsWith('${') ? '.*' : part === '?' ? '.' : part.replace(/[.+^()|[\]\\{}$]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${regex}$`, 's').test(value);
}
