import { describe, expect, it } from 'vitest';
import { plotlyMarkup, scriptJson, vegaLiteMarkup } from '../../../../client/src/outputs/library/library-markup.ts';

describe('library markup for the sandboxed frame', () => {
  it('embeds JSON that cannot close its script element', () => {
    const json = scriptJson({ title: '</script><script>alert(1)</script>', amp: '&', line: '\u2028' });
    expect(json).not.toContain('</script>');
    expect(json).not.toContain('<');
    expect(JSON.parse(json)).toEqual({ title: '</script><script>alert(1)</script>', amp: '&', line: '\u2028' });
  });

  it('loads the library from same-origin script URLs, then draws the spec', () => {
    const plotly = plotlyMarkup({ data: [{ y: [1, 2] }] }, ['/assets/plotly.min-abc.js']);
    expect(plotly).toContain('<script src="/assets/plotly.min-abc.js"></script>');
    expect(plotly).toContain('Plotly.newPlot');
    const vega = vegaLiteMarkup({ mark: 'bar' }, ['/assets/vega.js', '/assets/vega-lite.js', '/assets/vega-embed.js']);
    expect(vega.indexOf('vega.js')).toBeLessThan(vega.indexOf('vega-embed.js'));
    expect(vega).toContain("vegaEmbed('#vis'");
    expect(plotlyMarkup({}, ['/x" onload="alert(1)'])).not.toContain('" onload');
  });
});
