/**
 * MIME types both sides name: the kernel's startup extension adds the Talkbook ones beside a
 * figure's PNG and a DataFrame's HTML; the page draws them, the assistant describes them.
 */
export const CHART_MIME = 'application/vnd.talkbook.chart+json';
export const TABLE_MIME = 'application/vnd.talkbook.table+json';
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';
export const VEGA_LITE_MIMES: readonly string[] = ['application/vnd.vegalite.v5+json', 'application/vnd.vegalite.v4+json'];
export const WIDGET_MIME = 'application/vnd.jupyter.widget-view+json';
/** Raster images, stored base64 in a MIME bundle. */
export const IMAGE_MIMES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
