/**
 * A count with its noun in the right number: "1 resource", "3 resources", "0 regions". The
 * plural defaults to the singular + "s"; irregular ones are given ("1 policy", "2 policies").
 */
export function countOf(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
