import { useRef, type MouseEvent, type PointerEvent } from 'react';

/** How far (px) a finger must drag a sheet toward its edge to close it. */
const CLOSE_DISTANCE_PX = 64;
/** Movement below this is a tap, not a drag. */
const TAP_SLOP_PX = 8;

export type SwipeDirection = 'left' | 'down';

/**
 * Touch and pen drags that close a sheet: the sheet follows the finger toward its edge and
 * closes past `CLOSE_DISTANCE_PX`, or springs back. Mouse drags are left alone (they select
 * text). Spread the handlers on the element that moves.
 */
export function useSwipeClose(direction: SwipeDirection, onClose: () => void) {
  const start = useRef<{ x: number; y: number; id: number } | undefined>(undefined);
  const dragged = useRef(false);

  const offset = (event: PointerEvent) => {
    const from = start.current!;
    return direction === 'left' ? Math.min(0, event.clientX - from.x) : Math.max(0, event.clientY - from.y);
  };
  const reset = (element: HTMLElement) => {
    start.current = undefined;
    element.style.translate = '';
  };

  return {
    onPointerDown(event: PointerEvent<HTMLElement>) {
      if (event.pointerType === 'mouse' || !event.isPrimary) return;
      start.current = { x: event.clientX, y: event.clientY, id: event.pointerId };
      dragged.current = false;
    },
    onPointerMove(event: PointerEvent<HTMLElement>) {
      if (start.current?.id !== event.pointerId) return;
      const distance = offset(event);
      if (Math.abs(distance) > TAP_SLOP_PX) dragged.current = true;
      if (dragged.current) event.currentTarget.style.translate = direction === 'left' ? `${distance}px 0` : `0 ${distance}px`;
    },
    onPointerUp(event: PointerEvent<HTMLElement>) {
      if (start.current?.id !== event.pointerId) return;
      const distance = Math.abs(offset(event));
      reset(event.currentTarget);
      if (distance >= CLOSE_DISTANCE_PX) onClose();
    },
    onPointerCancel(event: PointerEvent<HTMLElement>) {
      reset(event.currentTarget);
    },
    // A drag that started on a link or button is not a tap on it.
    onClickCapture(event: MouseEvent<HTMLElement>) {
      if (!dragged.current) return;
      dragged.current = false;
      event.preventDefault();
      event.stopPropagation();
    },
  };
}
