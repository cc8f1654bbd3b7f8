import { lazy, Suspense, useMemo, useState } from 'react';
import { z } from 'zod';
import { ImageOutput } from '../media/image-output.tsx';
import { drawableChart } from './chart-spec.ts';
import '../../styles/interactive-outputs.css';

const ChartView = lazy(() => import('./chart-view.tsx').then((module) => ({ default: module.ChartView })));

const imageSize = z.object({ width: z.number().positive(), height: z.number().positive() });

/**
 * A matplotlib figure: the interactive chart drawn from its description (tooltips, legend
 * toggles, zoom), with a switch back to the exact PNG. Figures the page cannot draw, or whose
 * description is invalid, show the PNG alone. The PNG also shows while the chart code loads.
 */
export function ChartOutput({ value, png, pngMetadata }: { value: unknown; png: string | undefined; pngMetadata: unknown }) {
  const chart = useMemo(() => drawableChart(value), [value]);
  const [view, setView] = useState<'interactive' | 'image'>('interactive');
  const image = png === undefined ? null : <ImageOutput mimeType="image/png" value={png} metadata={pngMetadata} />;
  if (!chart) {
    if (image) return image;
    throw new Error('the chart description is not valid and there is no image');
  }
  const size = imageSize.safeParse(pngMetadata);
  const width = size.success ? Math.max(560, size.data.width) : 640;
  const aspect = size.success ? size.data.height / size.data.width : 0.75;
  return (
    <figure className="chart-output" style={{ maxWidth: width }}>
      {image ? (
        <div className="chart-switch" role="group" aria-label="Chart view">
          <button type="button" aria-pressed={view === 'interactive'} onClick={() => setView('interactive')}>
            Interactive
          </button>
          <button type="button" aria-pressed={view === 'image'} onClick={() => setView('image')}>
            Image
          </button>
        </div>
      ) : null}
      {view === 'image' && image ? (
        image
      ) : (
        <div className="chart-frame" style={{ ['--chart-aspect' as string]: String(Math.min(Math.max(aspect, 0.4), 1.2)) }}>
          <Suspense fallback={image}>
            <ChartView chart={chart} />
          </Suspense>
        </div>
      )}
    </figure>
  );
}
