/**
 * Renders the grow/feather preview onto a canvas at overlay resolution. The
 * sampling onto the grid and the distance transforms run in a Web Worker (a
 * 24-MP photo's preview grid has ~4 megapixels), so dragging the slider
 * never blocks painting or panning.
 */
import { useEffect, useRef, useState } from 'react';
import type { EdgePreviewInput } from '../mask/edgePreview';
import { EdgePreviewClient } from '../mask/edgePreviewClient';
import type { OverlayGrid } from '../mask/overlay';
import type { MaskRaster } from '../mask/tiledMask';

export interface EdgePreviewCanvas {
  readonly canvas: HTMLCanvasElement;
  /** CRC-32 of the RGBA the worker computed (end-to-end tests compare it with the main-thread function). */
  readonly crc: number;
}

export function useEdgePreview(mask: MaskRaster, grid: OverlayGrid, input: EdgePreviewInput | null, rgb: readonly [number, number, number], onError: (err: Error) => void): EdgePreviewCanvas | null {
  const active = input !== null;
  const [shown, setShown] = useState<EdgePreviewCanvas | null>(null);
  const client = useRef<EdgePreviewClient | null>(null);
  const report = useRef(onError);
  report.current = onError;
  const grow = input?.grow ?? 0, feather = input?.feather ?? 0;
  const colour = rgb.join(',');
  useEffect(() => () => { client.current?.dispose(); client.current = null; }, []);
  useEffect(() => {
    if (!active) {
      setShown(null);
      return;
    }
    let live = true;
    // Debounced: a dragged slider fires many changes; only the last one is computed.
    const timer = window.setTimeout(() => {
      client.current ??= new EdgePreviewClient();
      client.current.render(mask, grid, { grow, feather }, colour.split(',').map(Number) as [number, number, number]).then((r) => {
        if (!r || !live) return;
        const c = document.createElement('canvas');
        c.width = r.width;
        c.height = r.height;
        c.getContext('2d')?.putImageData(new ImageData(r.rgba, r.width, r.height), 0, 0);
        setShown({ canvas: c, crc: r.crc });
      }, (err: unknown) => report.current(err instanceof Error ? err : new Error(String(err))));
    }, 40);
    return () => { live = false; window.clearTimeout(timer); };
  }, [active, mask, grid, grow, feather, colour]);
  return input ? shown : null;
}
