// The browser builds of the charting libraries, emitted by Vite as files under /assets (only
// their URLs are in the page's bundle). The sandboxed frame loads them with classic <script src>
// when a Plotly or Vega-Lite output is first shown: its CSP allows scripts from 'self' only.
import plotlyUrl from 'plotly.js-dist-min/plotly.min.js?url';
import vegaUrl from 'vega/build/vega.min.js?url';
import vegaLiteUrl from 'vega-lite/build/vega-lite.min.js?url';
// vega-embed's package "exports" hide its browser build from bare imports.
import vegaEmbedUrl from '../../../../node_modules/vega-embed/build/vega-embed.min.js?url';

export const PLOTLY_SCRIPTS: readonly string[] = [plotlyUrl];
export const VEGA_LITE_SCRIPTS: readonly string[] = [vegaUrl, vegaLiteUrl, vegaEmbedUrl];
