import { describe, expect, it } from 'vitest';
import { imageSize, screenPx, screenSize } from './coords';
import { needsFullResolution, proxyScale, visibleTiles } from './fullResTiles';

const view = (scale: number, ox: number, oy: number) => ({ scale, offsetX: screenPx(ox), offsetY: screenPx(oy) });

describe('full-resolution tiles', () => {
  it('are needed only when the view enlarges the proxy beyond its resolution', () => {
    const big = imageSize(6000, 4000);
    const s = proxyScale(big, 2560);
    expect(s).toBeCloseTo(2560 / 6000, 12);
    expect(needsFullResolution(view(0.2, 0, 0), 1, s)).toBe(false); // fit
    expect(needsFullResolution(view(0.44, 0, 0), 1, s)).toBe(false); // about the proxy's own size
    expect(needsFullResolution(view(1, 0, 0), 1, s)).toBe(true); // 100 %
    expect(needsFullResolution(view(0.3, 0, 0), 2, s)).toBe(true); // a HiDPI screen at 30 % already shows 0.6 device px per image px
    expect(proxyScale(imageSize(2000, 1500), 2560)).toBe(1);
    expect(needsFullResolution(view(4, 0, 0), 1, 1)).toBe(false); // the proxy is the photo itself
  });

  it('lists the tiles under the viewport, clipped to the image, centre first', () => {
    // Scale 2, image point (1000, 600) at the screen origin: the 1400×900 viewport shows x 1000..1700, y 600..1050.
    const tiles = visibleTiles(view(2, -2000, -1200), screenSize(1400, 900), imageSize(6000, 4000), 512);
    expect(tiles.map((t) => t.key).sort()).toEqual(['1,1', '1,2', '2,1', '2,2', '3,1', '3,2'].sort());
    expect(tiles[0]!.key).toBe('2,1'); // holds the centre (1350, 825)
    const edge = visibleTiles(view(1, -5800, -3900), screenSize(1400, 900), imageSize(6000, 4000), 512);
    const last = edge.find((t) => t.key === '11,7')!;
    expect([last.x, last.y, last.width, last.height]).toEqual([5632, 3584, 368, 416]);
    expect(edge.every((t) => t.tx <= 11 && t.ty <= 7)).toBe(true);
    expect(visibleTiles(view(1, 5000, 0), screenSize(1400, 900), imageSize(6000, 4000))).toEqual([]); // image off to the right
  });

  it('never lists more than the cap', () => {
    expect(visibleTiles(view(0.05, 0, 0), screenSize(4000, 4000), imageSize(60000, 40000), 512, 40)).toHaveLength(40);
  });
});
