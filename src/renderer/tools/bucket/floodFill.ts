/**
 * The fill bucket's geometry: the 4-connected region of pixels that share the
 * seed pixel's state, as horizontal spans (scanline flood fill with an
 * explicit stack, so a 24-MP region never recurses). Pure.
 */
import type { SpanSink } from '../brush/strokeRaster';

/**
 * `isSet(i)` tells whether pixel i (row-major) is set. Emits every span of
 * the connected region containing (sx, sy); nothing if the seed is outside.
 */
export function floodRegion(width: number, height: number, isSet: (i: number) => boolean, sx: number, sy: number, emit: SpanSink): void {
  if (!(sx >= 0 && sy >= 0 && sx < width && sy < height)) return;
  const x = Math.floor(sx), y = Math.floor(sy);
  const target = isSet(y * width + x);
  const seen = new Uint8Array(width * height);
  const same = (i: number): boolean => seen[i] === 0 && isSet(i) === target;
  const stack: number[] = [x, y];
  while (stack.length > 0) {
    const py = stack.pop()!, px = stack.pop()!;
    const row = py * width;
    if (!same(row + px)) continue;
    let x0 = px, x1 = px;
    while (x0 > 0 && same(row + x0 - 1)) x0--;
    while (x1 < width - 1 && same(row + x1 + 1)) x1++;
    seen.fill(1, row + x0, row + x1 + 1);
    emit(py, x0, x1);
    for (const ny of [py - 1, py + 1]) {
      if (ny < 0 || ny >= height) continue;
      const nrow = ny * width;
      // One seed per run of fillable pixels in the neighbouring row.
      let inRun = false;
      for (let nx = x0; nx <= x1; nx++) {
        const ok = same(nrow + nx);
        if (ok && !inRun) stack.push(nx, ny);
        inRun = ok;
      }
    }
  }
}
