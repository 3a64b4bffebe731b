import { useLayoutEffect, useState, type RefObject } from 'react';
import { screenSize, type ScreenSize } from '../geometry/coords';

/** The element's content-box size in CSS pixels, kept current with a ResizeObserver. */
export function useElementSize(ref: RefObject<HTMLElement | null>): ScreenSize {
  const [size, setSize] = useState<ScreenSize>(screenSize(0, 0));
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = (): void => {
      const next = screenSize(Math.floor(el.clientWidth), Math.floor(el.clientHeight));
      setSize((prev) => (prev.width === next.width && prev.height === next.height ? prev : next));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return size;
}
