import { describe, expect, it } from 'vitest';
import { nearbySeedBase } from './seeds';

describe('more like this', () => {
  it('takes the first free block of seeds after the chosen one', () => {
    // Run with seed 10, four samples: seeds 10..13. "More like this" on sample seed 11.
    const used = new Set([10, 11, 12, 13]);
    const base = nearbySeedBase(11, 4, used);
    expect(base).toBe(14);
    const used2 = new Set([...used, 14, 15, 16, 17, 20]);
    const b2 = nearbySeedBase(11, 2, used2);
    expect(b2).toBe(18);
    for (let i = 0; i < 2; i++) expect(used2.has(b2 + i)).toBe(false);
    expect(nearbySeedBase(11, 3, used2)).toBe(21);
  });

  it('wraps at 2³²', () => {
    expect(nearbySeedBase(0xffffffff, 1, new Set())).toBe(0);
    expect(nearbySeedBase(0xfffffffe, 2, new Set([0xffffffff]))).toBe(0);
  });
});
