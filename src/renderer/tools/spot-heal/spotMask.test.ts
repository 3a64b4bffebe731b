import { describe, expect, it } from 'vitest';
import { maskValue } from '../../mask/tiledMask';
import { latestVersion, spotMask, spotParams } from './spotMask';
import { inpaintParamsSchema } from '../../../shared/api';

describe('spot heal mask', () => {
  it('holds exactly the pixels whose centres lie in the circle, across tile borders', () => {
    const c = { x: 255.3, y: 260.8, radius: 9.5 };
    const m = spotMask(600, 400, c)!;
    let want = 0;
    const wrong: string[] = [];
    for (let y = 0; y < 400; y++) for (let x = 0; x < 600; x++) {
      const inside = (x + 0.5 - c.x) ** 2 + (y + 0.5 - c.y) ** 2 <= c.radius ** 2;
      if (inside) want++;
      if ((maskValue(m, x, y) === 255) !== inside) wrong.push(`${x},${y}`);
    }
    expect(wrong).toEqual([]);
    expect(m.filled).toBe(want);
    // About πr² pixels.
    expect(Math.abs(want - Math.PI * c.radius ** 2)).toBeLessThan(2 * Math.PI * c.radius);
  });

  it('is clipped at the photo edge, and null when the click misses the photo', () => {
    const m = spotMask(50, 40, { x: 1, y: 1, radius: 5 })!;
    expect(m.filled).toBeGreaterThan(0);
    expect(m.filled).toBeLessThan(Math.PI * 25 / 2);
    expect(spotMask(50, 40, { x: -20, y: 10, radius: 5 })).toBeNull();
    expect(() => spotMask(50, 40, { x: 10, y: 10, radius: 0 })).toThrow(/positive radius/);
    expect(() => spotMask(50, 40, { x: Number.NaN, y: 10, radius: 3 })).toThrow(/finite centre/);
  });

  it('asks for one PatchMatch sample without grow or feather', () => {
    const p = spotParams(7);
    expect(p).toMatchObject({ method: 'patchmatch', samples: 1, seed: 7, grow: 0, feather: 0 });
    expect(inpaintParamsSchema.parse(p)).toEqual(p);
  });

  it('queued clicks heal the newest version of their chain', () => {
    const produced = new Map([[3, 5], [5, 9]]);
    expect(latestVersion(produced, 3)).toBe(9);
    expect(latestVersion(produced, 5)).toBe(9);
    expect(latestVersion(produced, 4)).toBe(4);
    expect(() => latestVersion(new Map([[1, 2], [2, 1]]), 1)).toThrow(/loops/);
  });
});
