/**
 * Which full-resolution tiles the stage needs. The display proxy has at most
 * PROXY_MAX_EDGE pixels on its long side; once the view shows more device
 * pixels per image pixel than the proxy holds, the visible part of the photo
 * is fetched at full resolution in square tiles and drawn over the proxy.
 * Pure: the hook that fetches and draws lives in hooks/useFullResTiles.
 */
import { screenPoint, screenToImage, type ImageSize, type ScreenSize, type ViewTransform } from './coords';

/** Edge of one full-resolution tile, image pixels (one `versions.region` request). */
export const FULL_RES_TILE = 512;
/** At most this many tiles are wanted at once (a 1400×900 stage at 100 % needs up to 12, or 35 on a screen with devicePixelRatio 2). */
export const MAX_WANTED_TILES = 40;

export interface TileRect { readonly key: string; readonly tx: number; readonly ty: number; readonly x: number; readonly y: number; readonly width: number; readonly height: number }

/** Proxy pixels per image pixel (1 when the photo is no larger than the proxy). */
export function proxyScale(image: ImageSize, proxyMaxEdge: number): number {
  return Math.min(1, proxyMaxEdge / Math.max(image.width, image.height));
}

/** True when the proxy would be shown enlarged beyond its own resolution (with 10 % slack). */
export function needsFullResolution(view: ViewTransform, pixelRatio: number, proxy: number): boolean {
  return proxy < 1 && view.scale * pixelRatio > proxy * 1.1;
}

/**
 * The tiles overlapping the visible part of the image, nearest to the
 * viewport's centre first, at most `max`.
 */
export function visibleTiles(view: ViewTransform, viewport: ScreenSize, image: ImageSize, tile = FULL_RES_TILE, max = MAX_WANTED_TILES): TileRect[] {
  const a = screenToImage(view, screenPoint(0, 0));
  const b = screenToImage(view, screenPoint(viewport.width, viewport.height));
  const x0 = Math.max(0, Math.floor(a.x / tile)), y0 = Math.max(0, Math.floor(a.y / tile));
  const x1 = Math.min(Math.ceil(image.width / tile) - 1, Math.floor((b.x - 1e-9) / tile));
  const y1 = Math.min(Math.ceil(image.height / tile) - 1, Math.floor((b.y - 1e-9) / tile));
  const cx = (a.x + b.x) / 2, cy = (a.y + b.y) / 2;
  const out: (TileRect & { d: number })[] = [];
  for (let ty = y0; ty <= y1; ty++) {
    for (let tx = x0; tx <= x1; tx++) {
      const x = tx * tile, y = ty * tile;
      const width = Math.min(tile, image.width - x), height = Math.min(tile, image.height - y);
      out.push({ key: `${tx},${ty}`, tx, ty, x, y, width, height, d: Math.hypot(x + width / 2 - cx, y + height / 2 - cy) });
    }
  }
  out.sort((p, q) => p.d - q.d);
  return out.slice(0, max).map(({ d: _d, ...t }) => t);
}
