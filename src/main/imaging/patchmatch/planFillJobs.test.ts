import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../shared/errors';
import { contextMargin, GUIDED_MARGIN_RADII, planFillJobs } from './planFillJobs';
import { discMask } from './testImages';

function union(...masks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(masks[0]!.length);
  for (const m of masks) for (let i = 0; i < m.length; i++) out[i] = Math.max(out[i]!, m[i]!);
  return out;
}

describe('planFillJobs', () => {
  it('a guided plan keeps one hole radius of context (never under eight patches), an unguided one two', () => {
    const w = 1000, h = 600;
    const mask = union(discMask(w, h, 300, 300, 100), discMask(w, h, 900, 60, 3));
    const unguided = planFillJobs(mask, w, h, 7);
    const guided = planFillJobs(mask, w, h, 7, undefined, GUIDED_MARGIN_RADII);
    expect(guided.jobs).toHaveLength(2);
    const [big, speck] = guided.jobs;
    const r = big!.inradius;
    expect(big!.holeBox.x - big!.context.x).toBe(Math.ceil(Math.max(56, r)));
    expect(unguided.jobs[0]!.holeBox.x - unguided.jobs[0]!.context.x).toBe(Math.ceil(Math.max(56, 2 * r)));
    // a speck's context is set by the eight-patch floor either way
    expect(speck!.holeBox.x - speck!.context.x).toBe(56);
    expect(unguided.jobs[1]!.holeBox.x - unguided.jobs[1]!.context.x).toBe(56);
  });

  it('gives far-apart holes their own jobs, each with a context that grows with the hole', () => {
    const w = 1000, h = 600;
    const mask = union(discMask(w, h, 150, 150, 10), discMask(w, h, 800, 400, 60));
    const plan = planFillJobs(mask, w, h, 7);
    expect(plan.maskBox).toEqual({ x: 140, y: 140, width: 721, height: 321 });
    expect(plan.jobs).toHaveLength(2);
    const [big, small] = plan.jobs; // largest first
    expect(big!.holeBox).toEqual({ x: 740, y: 340, width: 121, height: 121 });
    expect(small!.holeBox).toEqual({ x: 140, y: 140, width: 21, height: 21 });
    // Inradius: the distance from the disc centre to the outside, about the radius.
    expect(big!.inradius).toBeGreaterThan(55);
    expect(big!.inradius).toBeLessThan(66);
    const bigMargin = big!.holeBox.x - big!.context.x;
    const smallMargin = small!.holeBox.x - small!.context.x;
    expect(bigMargin).toBe(contextMargin(big!.inradius, 7, 1));
    expect(smallMargin).toBe(contextMargin(small!.inradius, 7, 1));
    expect(bigMargin).toBeGreaterThan(smallMargin);
    expect(big!.holeArea + small!.holeArea).toBe(mask.reduce((n, v) => n + (v > 127 ? 1 : 0), 0));
  });

  it('merges holes whose contexts would see each other, so no job reads another job\'s hole', () => {
    const w = 400, h = 300;
    const mask = union(discMask(w, h, 100, 150, 12), discMask(w, h, 160, 150, 12), discMask(w, h, 330, 40, 5));
    const plan = planFillJobs(mask, w, h, 7);
    expect(plan.jobs).toHaveLength(2);
    for (const job of plan.jobs) {
      for (const other of plan.jobs) {
        if (other === job) continue;
        const c = job.context, o = other.holeBox;
        const overlap = c.x < o.x + o.width && o.x < c.x + c.width && c.y < o.y + o.height && o.y < c.y + c.height;
        expect(overlap).toBe(false);
      }
    }
    expect(plan.jobs[0]!.holeBox).toEqual({ x: 88, y: 138, width: 85, height: 25 });
  });

  it('clips contexts to the image and grows them when the exclusion leaves too few source patches', () => {
    const w = 300, h = 200;
    const mask = discMask(w, h, 5, 5, 8);
    const plain = planFillJobs(mask, w, h, 7).jobs[0]!;
    expect(plain.context.x).toBe(0);
    expect(plain.context.y).toBe(0);
    // Exclude everything near the hole: the context must reach past the exclusion.
    const exclusion = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < 120; x++) exclusion[y * w + x] = 255;
    const grown = planFillJobs(mask, w, h, 7, exclusion).jobs[0]!;
    expect(grown.context.width).toBeGreaterThan(120 + 7);
  });

  it('rejects empty masks', () => {
    expect(() => planFillJobs(new Uint8Array(100), 10, 10, 7)).toThrow(StudioError);
  });
});
