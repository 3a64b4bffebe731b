/**
 * The "visualise spots" canvas for the photo on display: its pixels are read
 * once per image (the display proxy), the high-pass detail is kept, and only
 * the cheap thresholding reruns when the slider moves.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { highPass, renderSpotMap, type HighPass } from './spotMap';

async function readPixels(url: string): Promise<ImageData> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not read the photo for the spot view (HTTP ${res.status})`);
  const bitmap = await createImageBitmap(await res.blob());
  try {
    const c = document.createElement('canvas');
    c.width = bitmap.width;
    c.height = bitmap.height;
    const ctx = c.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2D canvas for the spot view');
    ctx.drawImage(bitmap, 0, 0);
    return ctx.getImageData(0, 0, c.width, c.height);
  } finally {
    bitmap.close();
  }
}

export function useSpotMap(imageUrl: string, enabled: boolean, threshold: number, onError: (err: unknown) => void): HTMLCanvasElement | null {
  const [hp, setHp] = useState<{ url: string; hp: HighPass } | null>(null);
  const report = useRef(onError);
  report.current = onError;
  useEffect(() => {
    if (!enabled || hp?.url === imageUrl) return;
    let live = true;
    readPixels(imageUrl).then(
      (img) => { if (live) setHp({ url: imageUrl, hp: highPass(img) }); },
      (err: unknown) => { if (live) report.current(err); },
    );
    return () => { live = false; };
  }, [enabled, imageUrl, hp?.url]);
  return useMemo(() => {
    if (!enabled || !hp || hp.url !== imageUrl) return null;
    const { width, height } = hp.hp;
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    c.getContext('2d')?.putImageData(new ImageData(renderSpotMap(hp.hp, threshold), width, height), 0, 0);
    return c;
  }, [enabled, hp, imageUrl, threshold]);
}
