import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MIME_PRIORITY, RENDERERS, rendererFor } from '../../../../client/src/outputs/renderers/registry.ts';
import { selectMimeType } from '../../../../client/src/mime/select-mime-type.ts';

/** A value each renderer accepts, by MIME type family. */
function sample(mimeType: string): unknown {
  if (mimeType.endsWith('+json') || mimeType === 'application/json') return { data: [], layout: {}, $schema: 'https://vega.github.io/schema/vega-lite/v5.json' };
  if (mimeType.startsWith('image/') && mimeType !== 'image/svg+xml') return 'iVBORw0KGgo=';
  return '<b onclick="alert(1)">hi</b><script>alert(1)</script>';
}

describe('the renderer registry', () => {
  it('derives the priority from the ranks, each type once, text/plain last', () => {
    expect(new Set(MIME_PRIORITY).size).toBe(MIME_PRIORITY.length);
    expect(MIME_PRIORITY.at(-1)).toBe('text/plain');
    const ranks = MIME_PRIORITY.map((mimeType) => rendererFor(mimeType)!.rank);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    expect(selectMimeType({ 'text/html': '<p>', 'image/png': 'x', 'text/plain': 'p' }, MIME_PRIORITY)).toBe('text/html');
  });

  it('never lists JavaScript', () => {
    expect(rendererFor('application/javascript')).toBeUndefined();
    expect(MIME_PRIORITY).not.toContain('text/javascript');
  });

  it.each(RENDERERS.filter((entry) => !entry.safe).flatMap((entry) => entry.mimeTypes))('renders %s (not safe) only inside a sandboxed frame without allow-same-origin', (mimeType) => {
    const { component: Renderer } = rendererFor(mimeType)!;
    const value = sample(mimeType);
    const html = renderToString(<Renderer mimeType={mimeType} value={value} metadata={undefined} bundle={{ data: { [mimeType]: value } }} />);
    expect(html).toMatch(/<iframe[^>]*sandbox="allow-scripts"/);
    expect(html).not.toContain('allow-same-origin');
    // The markup is posted to the frame, never written into the page.
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('onclick=');
  });

  it('renders text/plain (safe) in the page as escaped text', () => {
    const { component: Renderer, safe } = rendererFor('text/plain')!;
    expect(safe).toBe(true);
    const html = renderToString(<Renderer mimeType="text/plain" value={sample('text/plain')} metadata={undefined} bundle={{ data: {} }} />);
    expect(html).toContain('&lt;b onclick=');
    expect(html).not.toMatch(/<(b|script)[\s>]/);
  });
});
