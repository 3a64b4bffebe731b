/**
 * Onion-peel initialisation of the coarsest level: the hole is filled ring by
 * ring from its boundary inward, each pixel the mean of its already-known
 * 8-neighbours, so the colours and large structures around the hole reach its
 * centre before the first PatchMatch search.
 */
export function onionPeelFill(
  image: Uint8Array,
  hole: Uint8Array,
  width: number,
  height: number,
  channels: number,
): void {
  const pending = new Uint8Array(width * height); // 1 = not yet filled
  let remaining = 0;
  for (let i = 0; i < hole.length; i++) {
    if (hole[i]) {
      pending[i] = 1;
      remaining++;
    }
  }
  let ring = new Int32Array(remaining);
  let next = new Int32Array(remaining);
  const queued = new Uint8Array(width * height);
  let ringLength = 0;
  for (let i = 0; i < pending.length; i++) {
    if (pending[i] && hasKnownNeighbour(pending, i, width, height)) {
      ring[ringLength++] = i;
      queued[i] = 1;
    }
  }
  const sums = new Float64Array(channels);
  while (ringLength > 0) {
    for (let k = 0; k < ringLength; k++) {
      const i = ring[k]!;
      const x = i % width, y = (i - x) / width;
      sums.fill(0);
      let n = 0;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width || pending[yy * width + xx]) continue;
          const j = (yy * width + xx) * channels;
          for (let c = 0; c < channels; c++) sums[c]! += image[j + c]!;
          n++;
        }
      }
      // n > 0: ring pixels touch a known pixel or one filled in an earlier ring.
      for (let c = 0; c < channels; c++) image[i * channels + c] = Math.round(sums[c]! / n);
    }
    for (let k = 0; k < ringLength; k++) pending[ring[k]!] = 0;
    let nextLength = 0;
    for (let k = 0; k < ringLength; k++) {
      const i = ring[k]!;
      const x = i % width, y = (i - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const j = yy * width + xx;
          if (pending[j] && !queued[j]) {
            queued[j] = 1;
            next[nextLength++] = j;
          }
        }
      }
    }
    [ring, next] = [next, ring];
    ringLength = nextLength;
  }
}

function hasKnownNeighbour(pending: Uint8Array, i: number, width: number, height: number): boolean {
  const x = i % width, y = (i - x) / width;
  for (let dy = -1; dy <= 1; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= height) continue;
    for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx;
      if (xx >= 0 && xx < width && !pending[yy * width + xx]) return true;
    }
  }
  return false;
}
