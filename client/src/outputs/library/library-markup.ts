/**
 * The markup a sandboxed frame runs to draw a Plotly figure or a Vega-Lite spec with the
 * library's own renderer. Pure. The spec is untrusted, but it only ever reaches the frame
 * (opaque origin, no network); it is embedded as JSON that cannot close its <script>.
 */
export { PLOTLY_MIME, VEGA_LITE_MIMES } from '../../protocol.ts';

/** JSON that is safe inside <script>: no "</script>", no "<!--", no line separators. */
export function scriptJson(value: unknown): string {
  return (JSON.stringify(value) ?? 'null')
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function scriptTags(urls: readonly string[]): string {
  return urls.map((url) => `<script src="${url.replace(/[^A-Za-z0-9/._~:-]/g, '')}"></script>`).join('');
}

const SHOW_ERROR = "function fail(e){var p=document.createElement('pre');p.className='library-error';p.textContent=String(e&&e.message||e);document.body.appendChild(p);}";

export function plotlyMarkup(figure: unknown, scripts: readonly string[]): string {
  return (
    '<div id="plot"></div>' +
    scriptTags(scripts) +
    `<script>(function(){${SHOW_ERROR}try{var f=${scriptJson(figure)}||{};var layout=Object.assign({autosize:true},f.layout||{});` +
    "if(!layout.height)layout.height=420;" +
    "Plotly.newPlot('plot',f.data||[],layout,Object.assign({responsive:true,displaylogo:false},f.config||{})).catch(fail);}catch(e){fail(e);}})();</script>"
  );
}

export function vegaLiteMarkup(spec: unknown, scripts: readonly string[]): string {
  return (
    '<div id="vis"></div>' +
    scriptTags(scripts) +
    `<script>(function(){${SHOW_ERROR}try{vegaEmbed('#vis',${scriptJson(spec)},{actions:false,mode:'vega-lite',` +
    "theme:matchMedia('(prefers-color-scheme: dark)').matches?'dark':undefined}).catch(fail);}catch(e){fail(e);}})();</script>"
  );
}
