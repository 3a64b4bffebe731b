/**
 * The mask layer that is not being edited, drawn once onto its own canvas at
 * overlay resolution (it only changes when the user switches layers, undoes
 * or loads, never mid-stroke), so both masks stay visible in their colours.
 */
import { useMemo } from 'react';
import { renderOverlayRegion, type OverlayGrid } from '../mask/overlay';
import type { MaskRaster } from '../mask/tiledMask';

export function useLayerUnderlay(mask: MaskRaster, grid: OverlayGrid, rgb: readonly [number, number, number]): HTMLCanvasElement | null {
  const colour = rgb.join(',');
  return useMemo(() => {
    if (mask.filled === 0) return null;
    const c = document.createElement('canvas');
    c.width = grid.width;
    c.height = grid.height;
    const pixels = renderOverlayRegion(mask, grid, { x: 0, y: 0, width: grid.width, height: grid.height }, colour.split(',').map(Number) as [number, number, number]);
    c.getContext('2d')?.putImageData(new ImageData(pixels, grid.width, grid.height), 0, 0);
    return c;
  }, [mask, grid, colour]);
}
