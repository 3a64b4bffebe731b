/** Brush radius in image pixels: stable across zoom, and what the mask is rasterised with. */
import { imagePx, type ImagePx } from '../../geometry/coords';

export const MIN_RADIUS = 1;
export const MAX_RADIUS = 2000;
const STEP = 1.25;

export function clampRadius(radius: number): ImagePx {
  return imagePx(Math.min(MAX_RADIUS, Math.max(MIN_RADIUS, Math.round(radius))));
}

/** `[` makes the brush smaller, `]` larger, by a fixed ratio so small and large brushes both step usefully. */
export function stepRadius(radius: ImagePx, direction: -1 | 1): ImagePx {
  const next = direction > 0 ? Math.max(radius + 1, radius * STEP) : Math.min(radius - 1, radius / STEP);
  return clampRadius(next);
}

/** A starting radius that looks like a medium brush on any photo size. */
export function defaultRadius(width: number, height: number): ImagePx {
  return clampRadius(Math.max(width, height) / 60);
}

/** Pen pressure scales the radius: a light touch paints 15 % of the size, full pressure all of it. */
export function pressureRadius(radius: ImagePx, pressure: number): ImagePx {
  const p = Number.isFinite(pressure) ? Math.min(1, Math.max(0, pressure)) : 1;
  return imagePx(Math.max(0.5, radius * (0.15 + 0.85 * p)));
}

/** Brush hardness 0..1 (1 = hard edge); the UI shows it in percent. */
export const DEFAULT_HARDNESS = 1;
const HARDNESS_STEP = 0.25;

export function clampHardness(hardness: number): number {
  return Number.isFinite(hardness) ? Math.min(1, Math.max(0, Math.round(hardness * 100) / 100)) : DEFAULT_HARDNESS;
}

/** Shift+[ softer, Shift+] harder, in quarter steps (0, 25, 50, 75, 100 %), snapping onto that grid. */
export function stepHardness(hardness: number, direction: -1 | 1): number {
  const k = hardness / HARDNESS_STEP;
  const next = direction > 0 ? Math.floor(k + 1e-9) + 1 : Math.ceil(k - 1e-9) - 1;
  return clampHardness(next * HARDNESS_STEP);
}
