/**
 * Zoom and pan of the stage: "fit" until the user zooms or pans, then a
 * free view transform. Wheel zooms to the cursor; space-drag and the middle
 * button pan. All arithmetic is in geometry/coords.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import {
  actualPixelsView, fitView, panBy, screenPoint, screenPx, wheelZoomFactor, zoomAt,
  type ImageSize, type ScreenPoint, type ScreenSize, type ViewTransform,
} from '../geometry/coords';

const PADDING = 16;

export interface Viewport {
  readonly view: ViewTransform;
  readonly fitted: boolean;
  fit(): void;
  actualPixels(anchor?: ScreenPoint): void;
  panStart(clientX: number, clientY: number): void;
  panMove(clientX: number, clientY: number): boolean;
  panEnd(): void;
  readonly panning: boolean;
}

/** `pixelRatio`: device pixels per CSS pixel (hooks/useDevicePixelRatio), which "100 %" is measured in. */
export function useViewport(container: RefObject<HTMLElement | null>, image: ImageSize, viewport: ScreenSize, pixelRatio: number): Viewport {
  const fitted = useMemo(() => fitView(image, viewport, PADDING), [image, viewport]);
  const [manual, setManual] = useState<ViewTransform | null>(null);
  const view = manual ?? fitted;
  // Events can arrive faster than React renders (two wheel notches in one frame):
  // each handler reads the view the previous one made, not the last rendered one.
  const latest = useRef(view);
  latest.current = view;
  const fittedNow = useRef(fitted);
  fittedNow.current = fitted;
  const commit = useCallback((next: ViewTransform | null) => {
    latest.current = next ?? fittedNow.current;
    setManual(next);
  }, []);
  const ratio = useRef(pixelRatio);
  ratio.current = pixelRatio;
  const pan = useRef<{ x: number; y: number } | null>(null);
  const [panning, setPanning] = useState(false);

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const onWheel = (e: WheelEvent): void => {
      e.preventDefault(); // the page must not scroll or zoom
      const box = el.getBoundingClientRect();
      const anchor = screenPoint(e.clientX - box.left, e.clientY - box.top);
      commit(zoomAt(latest.current, anchor, wheelZoomFactor(e.deltaY, e.deltaMode)));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [container, commit]);

  const fit = useCallback(() => commit(null), [commit]);
  const actualPixels = useCallback((anchor?: ScreenPoint) => {
    const el = container.current;
    const centre = anchor ?? screenPoint((el?.clientWidth ?? 0) / 2, (el?.clientHeight ?? 0) / 2);
    commit(actualPixelsView(latest.current, centre, ratio.current));
  }, [container, commit]);
  const panStart = useCallback((x: number, y: number) => {
    pan.current = { x, y };
    setPanning(true);
  }, []);
  const panMove = useCallback((x: number, y: number): boolean => {
    const last = pan.current;
    if (!last) return false;
    pan.current = { x, y };
    commit(panBy(latest.current, screenPx(x - last.x), screenPx(y - last.y)));
    return true;
  }, [commit]);
  const panEnd = useCallback(() => {
    pan.current = null;
    setPanning(false);
  }, []);
  return { view, fitted: manual === null, fit, actualPixels, panStart, panMove, panEnd, panning };
}
