/** The `rel="next"` address of a Link header (RFC 8288), as registries and GitHub's API page their lists; if any. */
export function nextPage(link: string | undefined): string | undefined {
  for (const part of (link ?? '').split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) return match[1];
  }
  return undefined;
}
