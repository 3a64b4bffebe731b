/**
 * The red overlay the user sees is drawn at screen resolution, never at the
 * image's: a backing canvas of about the fitted image's on-screen size (times
 * the device pixel ratio). Each backing pixel shows the mask pixel under its
 * centre. After an edit only the changed tiles are re-rendered.
 */
import type { ImageSize, ScreenRect } from '../geometry/coords';
import { TILE_SIZE, type MaskRaster, type PixelBounds } from './tiledMask';

export interface OverlayGrid {
  readonly width: number;
  readonly height: number;
  /** Backing pixels per image pixel, per axis. */
  readonly sx: number;
  readonly sy: number;
}

export const OVERLAY_RGB: readonly [number, number, number] = [255, 32, 32];

export function overlayGrid(image: ImageSize, onScreen: ScreenRect, pixelRatio: number): OverlayGrid {
  const width = Math.max(1, Math.round(onScreen.width * pixelRatio));
  const height = Math.max(1, Math.round(onScreen.height * pixelRatio));
  return { width, height, sx: width / image.width, sy: height / image.height };
}

/** Backing pixels whose centres fall inside the image rectangle `rect`, or null. */
export function overlayRegion(grid: OverlayGrid, rect: PixelBounds): PixelBounds | null {
  const x0 = Math.max(0, Math.ceil(rect.x * grid.sx - 0.5));
  const y0 = Math.max(0, Math.ceil(rect.y * grid.sy - 0.5));
  const x1 = Math.min(grid.width, Math.ceil((rect.x + rect.width) * grid.sx - 0.5));
  const y1 = Math.min(grid.height, Math.ceil((rect.y + rect.height) * grid.sy - 0.5));
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}

/** Longest edge of the overlay's backing canvas: the display proxy's, so zooming never re-renders it. */
export const OVERLAY_MAX_EDGE = 2560;

/**
 * The overlay's backing grid for a photo: the image's own size up to
 * OVERLAY_MAX_EDGE on the long side (like the display proxy). The stage
 * scales it with the view, so zoom and pan never re-render the mask.
 */
export function overlayGridFor(image: ImageSize, maxEdge = OVERLAY_MAX_EDGE): OverlayGrid {
  const s = Math.min(1, maxEdge / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * s));
  const height = Math.max(1, Math.round(image.height * s));
  return { width, height, sx: width / image.width, sy: height / image.height };
}

/**
 * RGBA pixels for one backing region: the overlay colour where the mask is
 * set, its alpha the pixel's blend weight (opaque at 255, fading over a soft
 * brush's edge), transparent elsewhere.
 */
export function renderOverlayRegion(mask: MaskRaster, grid: OverlayGrid, region: PixelBounds, rgb: readonly [number, number, number] = OVERLAY_RGB): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(region.width * region.height * 4);
  const [r, g, b] = rgb;
  // Per backing column: which tile column and which x inside the tile its centre samples (-1 = outside).
  const tileColumn = new Int32Array(region.width);
  const inTileX = new Int32Array(region.width);
  for (let i = 0; i < region.width; i++) {
    const x = Math.floor((region.x + i + 0.5) / grid.sx);
    const inside = x >= 0 && x < mask.width;
    tileColumn[i] = inside ? Math.floor(x / TILE_SIZE) : -1;
    inTileX[i] = inside ? x % TILE_SIZE : 0;
  }
  for (let j = 0; j < region.height; j++) {
    const y = Math.floor((region.y + j + 0.5) / grid.sy);
    if (y < 0 || y >= mask.height) continue;
    const tileRow = Math.floor(y / TILE_SIZE) * mask.tilesX;
    const rowInTile = (y % TILE_SIZE) * TILE_SIZE;
    for (let i = 0; i < region.width; i++) {
      const tx = tileColumn[i]!;
      if (tx < 0) continue;
      const tile = mask.tiles[tileRow + tx];
      const v = tile ? tile.data[rowInTile + inTileX[i]!]! : 0;
      if (v <= 127) continue;
      const p = (j * region.width + i) * 4;
      out[p] = r;
      out[p + 1] = g;
      out[p + 2] = b;
      out[p + 3] = v === 255 ? 255 : Math.round(((v - 127) * 255) / 128);
    }
  }
  return out;
}
