import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useOutputName } from '../output-place.ts';
import { FRAME_URL, listenToFrame, RENDER_MESSAGE } from './frame-messages.ts';

/** Frames taller than this scroll inside instead of growing the page. */
const MAX_HEIGHT_PX = 4000;

/**
 * Untrusted HTML or SVG in an iframe whose sandbox allows scripts and NOTHING ELSE: NEVER add
 * `allow-same-origin` (the frame could then reach the page, its cookie and its API). The frame
 * page asks for its markup by postMessage, then reports its height; it is sized to its content.
 */
export function SandboxedFrame({ markup, title }: { markup: string; title: string }) {
  const ref = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(32);
  const markupRef = useRef(markup);
  const sentRef = useRef<string | undefined>(undefined);
  markupRef.current = markup;
  // Every frame's title is unique: the kind of output and which cell and output it is.
  const name = useOutputName(title);

  const post = (frame: Window) => {
    if (sentRef.current === markupRef.current) return;
    sentRef.current = markupRef.current;
    // The frame's origin is opaque ("null"), so '*' is the only possible target.
    frame.postMessage({ type: RENDER_MESSAGE, markup: markupRef.current }, '*');
  };

  // A layout effect: listening starts in the same task that inserts the frame, so its first
  // message cannot arrive before anyone listens.
  useLayoutEffect(() => {
    const frame = ref.current?.contentWindow;
    if (!frame) return;
    return listenToFrame(frame, (message) => {
      if (message.type === 'talkbook:frame-ready') post(frame);
      else setHeight(Math.min(Math.max(message.height, 16), MAX_HEIGHT_PX));
    });
  }, []);

  // New markup for a frame already showing something (update_display): send it again.
  useEffect(() => {
    const frame = ref.current?.contentWindow;
    if (frame && sentRef.current !== undefined) post(frame);
  }, [markup]);

  return (
    <iframe
      ref={ref}
      className="output-frame"
      src={FRAME_URL}
      sandbox="allow-scripts"
      title={name}
      referrerPolicy="no-referrer"
      style={{ height }}
      // Belt and braces: once frame.html has loaded, its listener is there; send if not yet sent.
      onLoad={() => {
        const frame = ref.current?.contentWindow;
        if (frame && sentRef.current === undefined) post(frame);
      }}
    />
  );
}
