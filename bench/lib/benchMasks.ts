/** Benchmark masks: a few irregular blobs plus thick strokes at a target coverage, and a dust spot. */

function paintDisc(mask: Uint8Array, width: number, height: number, cx: number, cy: number, radius: number): void {
  const y0 = Math.max(0, Math.floor(cy - radius)), y1 = Math.min(height - 1, Math.ceil(cy + radius));
  for (let y = y0; y <= y1; y++) {
    const half = Math.sqrt(Math.max(0, radius * radius - (y - cy) ** 2));
    const x0 = Math.max(0, Math.ceil(cx - half)), x1 = Math.min(width - 1, Math.floor(cx + half));
    if (x1 >= x0) mask.fill(255, y * width + x0, y * width + x1 + 1);
  }
}

/** Irregular blob: a disc whose radius wobbles with angle. */
function paintBlob(mask: Uint8Array, width: number, height: number, cx: number, cy: number, radius: number): void {
  const y0 = Math.max(0, Math.floor(cy - 1.3 * radius)), y1 = Math.min(height - 1, Math.ceil(cy + 1.3 * radius));
  const x0 = Math.max(0, Math.floor(cx - 1.3 * radius)), x1 = Math.min(width - 1, Math.ceil(cx + 1.3 * radius));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const a = Math.atan2(y - cy, x - cx);
      const r = radius * (1 + 0.18 * Math.sin(3 * a + 0.7) + 0.1 * Math.cos(5 * a));
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) mask[y * width + x] = 255;
    }
  }
}

function paintStroke(
  mask: Uint8Array, width: number, height: number, points: readonly (readonly [number, number])[], radius: number,
): void {
  for (let i = 1; i < points.length; i++) {
    const [ax, ay] = points[i - 1]!, [bx, by] = points[i]!;
    const steps = Math.ceil(Math.hypot(bx - ax, by - ay) / Math.max(1, radius / 3));
    for (let s = 0; s <= steps; s++) {
      paintDisc(mask, width, height, ax + ((bx - ax) * s) / steps, ay + ((by - ay) * s) / steps, radius);
    }
  }
}

export function coverage(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]! > 127) n++;
  return n / mask.length;
}

function blobsAndStrokes(width: number, height: number, scale: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const s = Math.min(width, height) * scale;
  paintBlob(mask, width, height, 0.22 * width, 0.3 * height, 0.075 * s);
  paintBlob(mask, width, height, 0.7 * width, 0.62 * height, 0.065 * s);
  paintBlob(mask, width, height, 0.45 * width, 0.8 * height, 0.05 * s);
  paintStroke(mask, width, height, [[0.55 * width, 0.12 * height], [0.68 * width, 0.2 * height], [0.85 * width, 0.3 * height]], 0.012 * s);
  paintStroke(mask, width, height, [[0.1 * width, 0.7 * height], [0.2 * width, 0.85 * height], [0.3 * width, 0.9 * height]], 0.01 * s);
  return mask;
}

/** Blobs and strokes scaled (by bisection) to cover `target` of the image, within 0.1 %. */
export function blobsAndStrokesMask(width: number, height: number, target: number): { mask: Uint8Array; coverage: number } {
  let lo = 0.2, hi = 4;
  let best = blobsAndStrokes(width, height, 1);
  for (let i = 0; i < 20; i++) {
    const mid = (lo + hi) / 2;
    best = blobsAndStrokes(width, height, mid);
    const c = coverage(best);
    if (Math.abs(c - target) < 0.001) break;
    if (c < target) lo = mid;
    else hi = mid;
  }
  return { mask: best, coverage: coverage(best) };
}

export function dustSpotMask(width: number, height: number, cx: number, cy: number, diameter: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  paintDisc(mask, width, height, cx, cy, diameter / 2);
  return mask;
}
