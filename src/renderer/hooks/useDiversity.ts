/** Loads each finished sample's proxy, crops the changed area and scores the set (gallery/diversity). */
import { useEffect, useState } from 'react';
import type { SampleSummary } from '../../shared/api';
import { diversity, type DiversityReport, type SampleCrop } from '../gallery/diversity';

const CROP_EDGE = 96;

export function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.decoding = 'async';
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(`could not load ${url.replace(/\?.*$/, '')}`));
    img.src = url;
  });
}

/** The union of the samples' boxes (image pixels). */
function unionBox(samples: readonly SampleSummary[]): { x: number; y: number; width: number; height: number } {
  const x0 = Math.min(...samples.map((s) => s.x)), y0 = Math.min(...samples.map((s) => s.y));
  const x1 = Math.max(...samples.map((s) => s.x + s.width)), y1 = Math.max(...samples.map((s) => s.y + s.height));
  return { x: x0, y: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) };
}

export function useDiversity(samples: readonly SampleSummary[], finished: boolean, imageWidth: number, urlOf: (sampleId: number) => string): DiversityReport | null {
  const [report, setReport] = useState<DiversityReport | null>(null);
  const key = finished ? samples.map((s) => s.id).join(',') : '';
  useEffect(() => {
    setReport(null);
    if (!finished || samples.length < 2) return;
    let live = true;
    const box = unionBox(samples);
    const k = CROP_EDGE / Math.max(box.width, box.height);
    const w = Math.max(1, Math.round(box.width * k)), h = Math.max(1, Math.round(box.height * k));
    Promise.all(samples.map((s) => loadImage(urlOf(s.id)))).then((images) => {
      if (!live) return;
      const crops: SampleCrop[] = images.map((img) => {
        const c = document.createElement('canvas');
        c.width = w;
        c.height = h;
        const ctx = c.getContext('2d', { willReadFrequently: true })!;
        const p = img.naturalWidth / imageWidth; // proxy pixels per image pixel
        ctx.drawImage(img, box.x * p, box.y * p, box.width * p, box.height * p, 0, 0, w, h);
        return { rgba: ctx.getImageData(0, 0, w, h).data, width: w, height: h };
      });
      setReport(diversity(crops));
    }, (err: unknown) => console.warn('Inpaint Studio: diversity not computed:', err));
    return () => { live = false; };
  }, [key]);
  return report;
}
