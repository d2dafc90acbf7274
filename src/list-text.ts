/** The items of a list input: one per line or separated by commas, trimmed, the empty ones dropped. */
export function listItems(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\n,]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
