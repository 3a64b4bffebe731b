/**
 * The screen-resolution canvas behind the red mask overlay. Live strokes are
 * drawn straight onto it (cheap, per pointer event); whenever the
 * full-resolution mask changes, the changed tiles and everything the live
 * preview touched are re-rendered from the mask, so what is shown is what the
 * mask holds.
 */
import { useCallback, useLayoutEffect, useMemo, useRef } from 'react';
import type { ImagePoint, ImagePx } from '../geometry/coords';
import type { StrokeMode } from '../mask/maskHistory';
import { OVERLAY_RGB, overlayRegion, renderOverlayRegion, type OverlayGrid } from '../mask/overlay';
import { changedTiles, tileRect, type MaskRaster, type PixelBounds } from '../mask/tiledMask';

export interface OverlayCanvas {
  readonly canvas: HTMLCanvasElement;
  /** A live piece of stroke; a soft brush (hardness < 1) shows its full-strength core opaque and its edge half-transparent. */
  drawSegment(from: ImagePoint, to: ImagePoint, radius: ImagePx, mode: StrokeMode, hardness?: number): void;
  /** Re-renders whatever the live preview touched from the current mask. */
  settle(): void;
}

function union(a: PixelBounds | null, b: PixelBounds): PixelBounds {
  if (!a) return b;
  const x = Math.min(a.x, b.x), y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

function clip(r: PixelBounds, grid: OverlayGrid): PixelBounds | null {
  const x0 = Math.max(0, Math.floor(r.x)), y0 = Math.max(0, Math.floor(r.y));
  const x1 = Math.min(grid.width, Math.ceil(r.x + r.width)), y1 = Math.min(grid.height, Math.ceil(r.y + r.height));
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}

export function useOverlayCanvas(grid: OverlayGrid, mask: MaskRaster, onDrawn: () => void, rgb: readonly [number, number, number] = OVERLAY_RGB): OverlayCanvas {
  const canvas = useMemo(() => {
    const c = document.createElement('canvas');
    c.width = grid.width;
    c.height = grid.height;
    return c;
  }, [grid.width, grid.height]);
  const drawn = useRef<{ canvas: HTMLCanvasElement; mask: MaskRaster; colour: string } | null>(null);
  const colour = rgb.join(',');
  const dirty = useRef<PixelBounds | null>(null);
  const latest = useRef({ grid, mask, onDrawn, rgb });
  latest.current = { grid, mask, onDrawn, rgb };

  const paintRegion = useCallback((region: PixelBounds | null, from: MaskRaster): void => {
    if (!region) return;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const pixels = renderOverlayRegion(from, latest.current.grid, region, latest.current.rgb);
    ctx.putImageData(new ImageData(pixels, region.width, region.height), region.x, region.y);
  }, [canvas]);

  useLayoutEffect(() => {
    const prev = drawn.current;
    if (!prev || prev.canvas !== canvas || prev.colour !== colour || prev.mask.width !== mask.width || prev.mask.height !== mask.height) {
      paintRegion({ x: 0, y: 0, width: grid.width, height: grid.height }, mask);
    } else {
      for (const t of changedTiles(prev.mask, mask)) paintRegion(overlayRegion(grid, tileRect(mask, t)), mask);
    }
    if (dirty.current) paintRegion(clip(dirty.current, grid), mask);
    dirty.current = null;
    drawn.current = { canvas, mask, colour };
    latest.current.onDrawn();
    // Keyed on the grid's numbers, not its identity: an unrelated re-render must not repaint mid-stroke.
  }, [canvas, grid.sx, grid.sy, mask, paintRegion, colour]);

  const drawSegment = useCallback((from: ImagePoint, to: ImagePoint, radius: ImagePx, mode: StrokeMode, hardness = 1): void => {
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const { sx, sy } = latest.current.grid;
    const r = Math.max(0.5, radius * sx);
    const pass = (rad: number, alpha: number): void => {
      ctx.save();
      ctx.globalCompositeOperation = mode === 'paint' ? 'source-over' : 'destination-out';
      ctx.globalAlpha = alpha;
      ctx.strokeStyle = ctx.fillStyle = `rgb(${latest.current.rgb.join(',')})`;
      ctx.lineWidth = 2 * rad;
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      ctx.beginPath();
      if (from.x === to.x && from.y === to.y) {
        ctx.arc(from.x * sx, from.y * sy, rad, 0, 2 * Math.PI);
        ctx.fill();
      } else {
        ctx.moveTo(from.x * sx, from.y * sy);
        ctx.lineTo(to.x * sx, to.y * sy);
        ctx.stroke();
      }
      ctx.restore();
    };
    // Live only: on release the overlay is re-rendered from the mask, soft edge and all.
    if (hardness < 1) {
      pass(r, 0.35);
      if (hardness > 0) pass(Math.max(0.5, r * hardness), 1);
    } else pass(r, 1);
    const x0 = Math.min(from.x * sx, to.x * sx) - r - 2, y0 = Math.min(from.y * sy, to.y * sy) - r - 2;
    const x1 = Math.max(from.x * sx, to.x * sx) + r + 2, y1 = Math.max(from.y * sy, to.y * sy) + r + 2;
    dirty.current = union(dirty.current, { x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
    latest.current.onDrawn();
  }, [canvas]);

  const settle = useCallback((): void => {
    if (!dirty.current) return;
    paintRegion(clip(dirty.current, latest.current.grid), latest.current.mask);
    dirty.current = null;
    latest.current.onDrawn();
  }, [paintRegion]);

  return { canvas, drawSegment, settle };
}
