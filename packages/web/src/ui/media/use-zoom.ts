import { type RefObject, useCallback, useEffect, useRef, useState } from "react";

export interface Zoom {
  scale: number;
  x: number;
  y: number;
}

export const MIN_SCALE = 1;
export const MAX_SCALE = 8;
const STEP = 1.5;
/** A pointer that moved less than this between down and up clicked rather than dragged. */
const CLICK_SLOP_PX = 5;

const NORMAL: Zoom = { scale: 1, x: 0, y: 0 };

export function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/** The zoom at a new scale; back at normal size the picture is centred again. */
export function rescale(z: Zoom, scale: number): Zoom {
  const s = clampScale(scale);
  if (s === MIN_SCALE) return NORMAL;
  const k = s / z.scale;
  return { scale: s, x: z.x * k, y: z.y * k };
}

/**
 * Zooming and panning a picture on `stage`: the wheel and a two-finger
 * pinch scale it, a one-finger or mouse drag pans it while zoomed and, at
 * normal size, is a swipe handed to `onSwipe` with its horizontal distance.
 * The wheel listener is not passive, so the page behind does not scroll.
 */
export function useZoom(stage: RefObject<HTMLElement | null>, opts: { onSwipe(dx: number): void }) {
  const [state, setState] = useState<Zoom>(NORMAL);
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const gesture = useRef<{
    startX: number;
    startY: number;
    moved: number;
    pinch?: { dist: number; scale: number };
  }>({
    startX: 0,
    startY: 0,
    moved: 0,
  });
  const last = useRef(state);
  last.current = state;
  const onSwipe = useRef(opts.onSwipe);
  onSwipe.current = opts.onSwipe;

  const zoomIn = useCallback(() => setState((z) => rescale(z, z.scale * STEP)), []);
  const zoomOut = useCallback(() => setState((z) => rescale(z, z.scale / STEP)), []);
  const reset = useCallback(() => setState(NORMAL), []);

  useEffect(() => {
    const el = stage.current;
    if (!el) return;
    const distance = () => {
      const [a, b] = [...pointers.current.values()];
      return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
    };
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      setState((z) => rescale(z, z.scale * (e.deltaY < 0 ? 1.2 : 1 / 1.2)));
    };
    const onDown = (e: PointerEvent) => {
      if (e.button !== 0) return;
      pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
      const g = gesture.current;
      if (pointers.current.size === 1) {
        g.startX = e.clientX;
        g.startY = e.clientY;
        g.moved = 0;
        g.pinch = undefined;
      } else if (pointers.current.size === 2) {
        g.pinch = { dist: distance(), scale: last.current.scale };
      }
    };
    const onMove = (e: PointerEvent) => {
      const p = pointers.current.get(e.pointerId);
      if (!p) return;
      const dx = e.clientX - p.x;
      const dy = e.clientY - p.y;
      p.x = e.clientX;
      p.y = e.clientY;
      const g = gesture.current;
      g.moved += Math.abs(dx) + Math.abs(dy);
      if (g.pinch && pointers.current.size === 2) {
        const pinch = g.pinch;
        const d = distance();
        if (pinch.dist > 0) setState((z) => rescale(z, (pinch.scale * d) / pinch.dist));
      } else if (pointers.current.size === 1 && last.current.scale > MIN_SCALE) {
        setState((z) => ({ ...z, x: z.x + dx, y: z.y + dy }));
      }
    };
    const onUp = (e: PointerEvent) => {
      if (!pointers.current.delete(e.pointerId)) return;
      const g = gesture.current;
      if (pointers.current.size === 0 && !g.pinch && last.current.scale === MIN_SCALE) {
        const dx = e.clientX - g.startX;
        if (Math.abs(dx) > Math.abs(e.clientY - g.startY)) onSwipe.current(dx);
      }
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    el.addEventListener("pointerdown", onDown);
    el.addEventListener("pointermove", onMove);
    el.addEventListener("pointerup", onUp);
    el.addEventListener("pointercancel", onUp);
    return () => {
      el.removeEventListener("wheel", onWheel);
      el.removeEventListener("pointerdown", onDown);
      el.removeEventListener("pointermove", onMove);
      el.removeEventListener("pointerup", onUp);
      el.removeEventListener("pointercancel", onUp);
    };
  }, [stage]);

  return {
    state,
    transform: `translate(${state.x}px, ${state.y}px) scale(${state.scale})`,
    zoomIn,
    zoomOut,
    reset,
    /** Whether the last press moved: a drag, not a click that closes. */
    dragged: () => gesture.current.moved > CLICK_SLOP_PX,
  };
}
