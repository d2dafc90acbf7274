/**
 * Markdown rendered as GitHub renders a job summary: GitHub-flavoured markdown (tables, autolinks of bare URLs,
 * www. names and e-mail addresses) with HTML allowed. micromark with its GFM extensions follows the GFM spec that
 * GitHub's own renderer implements.
 */
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

export function renderGfm(markdown: string): string {
  return micromark(markdown, { allowDangerousHtml: true, allowDangerousProtocol: false, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
}

/** One paragraph's content, without the paragraph around it. */
export function renderGfmInline(markdown: string): string {
  return renderGfm(markdown).replace(/^<p>|<\/p>\n?$/g, '');
}
