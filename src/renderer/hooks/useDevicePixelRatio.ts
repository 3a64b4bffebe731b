/**
 * `window.devicePixelRatio`, kept current: it changes when the window moves
 * to a monitor with another scale factor (or the browser's zoom changes), and
 * "100 %", the stage's canvas resolution and the full-resolution tiles all
 * depend on it.
 */
import { useEffect, useState } from 'react';

export function currentPixelRatio(): number {
  return typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;
}

export function useDevicePixelRatio(): number {
  const [ratio, setRatio] = useState(currentPixelRatio);
  useEffect(() => {
    // It may have changed between the render and this effect; the query below would then never fire.
    if (currentPixelRatio() !== ratio) {
      setRatio(currentPixelRatio());
      return;
    }
    // A media query matches one ratio only: it fires when the ratio leaves it, and the next render asks about the new one.
    const query = window.matchMedia(`(resolution: ${ratio}dppx)`);
    const onChange = (): void => setRatio(currentPixelRatio());
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, [ratio]);
  return ratio;
}
