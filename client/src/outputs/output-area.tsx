import { memo, useState } from 'react';
import type { Output } from '../protocol.ts';
import { OutputBoundary } from './output-boundary.tsx';
import { OutputPlace } from './output-place.ts';
import { OutputView } from './output-view.tsx';

/** Cells with more outputs than this show the first ones and a "Show all". */
const MAX_OUTPUTS = 100;

/** A code cell's outputs, each in its own error boundary. */
export const OutputArea = memo(function OutputArea({ outputs, executionCount }: { outputs: readonly Output[]; executionCount?: number | null }) {
  const [showAll, setShowAll] = useState(false);
  const shown = showAll ? outputs : outputs.slice(0, MAX_OUTPUTS);
  return (
    <div className="output-area">
      {shown.map((output, index) => (
        <div key={index} className={`output output-${output.output_type}`}>
          {output.output_type === 'execute_result' ? (
            <span className="output-prompt" aria-hidden="true">
              Out[{output.execution_count ?? executionCount ?? ' '}]
            </span>
          ) : null}
          <OutputPlace.Provider value={`cell [${executionCount ?? ' '}], output ${index + 1}`}>
            <OutputBoundary>
              <OutputView output={output} />
            </OutputBoundary>
          </OutputPlace.Provider>
        </div>
      ))}
      {shown.length < outputs.length ? (
        <button type="button" className="show-all" onClick={() => setShowAll(true)}>
          {(outputs.length - shown.length).toLocaleString()} more outputs · Show all
        </button>
      ) : null}
    </div>
  );
});
