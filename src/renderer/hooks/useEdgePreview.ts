/** Renders the grow/feather preview onto a canvas at overlay resolution, a frame after the inputs settle. */
import { useEffect, useMemo, useState } from 'react';
import { edgePreviewRgba, sampleMaskToGrid, type EdgePreviewInput } from '../mask/edgePreview';
import type { OverlayGrid } from '../mask/overlay';
import type { MaskRaster } from '../mask/tiledMask';

export function useEdgePreview(mask: MaskRaster, grid: OverlayGrid, input: EdgePreviewInput | null, rgb: readonly [number, number, number]): HTMLCanvasElement | null {
  const active = input !== null;
  const sampled = useMemo(() => (active ? sampleMaskToGrid(mask, grid) : null), [mask, grid, active]);
  const [canvas, setCanvas] = useState<HTMLCanvasElement | null>(null);
  const grow = input?.grow ?? 0, feather = input?.feather ?? 0;
  const colour = rgb.join(',');
  useEffect(() => {
    if (!sampled) {
      setCanvas(null);
      return;
    }
    // Debounced: a dragged slider fires many changes; only the last one is drawn.
    const timer = window.setTimeout(() => {
      const c = document.createElement('canvas');
      c.width = grid.width;
      c.height = grid.height;
      const rgba = edgePreviewRgba(sampled, grid, { grow, feather }, colour.split(',').map(Number) as [number, number, number]);
      c.getContext('2d')?.putImageData(new ImageData(rgba, grid.width, grid.height), 0, 0);
      setCanvas(c);
    }, 40);
    return () => window.clearTimeout(timer);
  }, [sampled, grid, grow, feather, colour]);
  return input ? canvas : null;
}
