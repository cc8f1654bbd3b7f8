import type { ChartAxis, ChartPanel, ChartSpec } from '../../../../client/src/outputs/charts/chart-spec.ts';

/** Chart descriptions shaped like the kernel's (kernel-config/startup), for client tests. */
export function axis(extra: Partial<ChartAxis> = {}): ChartAxis {
  return { label: null, name: null, unit: null, scale: 'linear', min: 0, max: 1, ticks: [], ...extra };
}

export function panel(extra: Partial<ChartPanel> = {}): ChartPanel {
  return { type: 'line', title: null, x: axis(), y: axis(), orientation: 'vertical', series: [], bars: [], bins: [], slices: [], boxes: [], ...extra };
}

export function chart(panels: ChartPanel[], extra: Partial<ChartSpec> = {}): ChartSpec {
  return { version: 1, type: panels[0]?.type ?? 'unknown', title: null, panels, truncated: false, ...extra };
}

export const sinCos = panel({
  title: 'Waves',
  x: axis({ label: 'Time (s)', name: 'Time', unit: 's', min: 0, max: 6.3 }),
  y: axis({ label: 'Amplitude (Hz)', name: 'Amplitude', unit: 'Hz', min: -1, max: 1 }),
  series: [
    { label: 'sin', kind: 'line', color: '#1f77b4', points: [[0, 0], [1.5, 0.997495]] },
    { label: 'cos', kind: 'line', color: '#ff7f0e', points: [[0, 1], [1.5, 0.0707372]] },
  ],
});
