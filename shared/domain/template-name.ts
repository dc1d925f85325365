/**
 * The key of a template name: templates are kept one file per key, so names that differ only in
 * case or punctuation ("ResNet nightly", "resnet-nightly") are one template.
 */
export function templateKey(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-');
}

/** Whether two names are the same template. */
export function sameTemplateName(a: string, b: string): boolean {
  return templateKey(a) === templateKey(b);
}
