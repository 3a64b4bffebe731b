import { describe, expect, it } from 'vitest';
import { MaxFlowGraph } from './maxflow';

/** Independent reference: Edmonds-Karp on a dense capacity matrix (node 0 = source, 1 = sink). */
function edmondsKarp(cap: number[][]): { flow: number; sourceSide: boolean[] } {
  const n = cap.length;
  const r = cap.map((row) => [...row]);
  let flow = 0;
  for (;;) {
    const prev = new Array<number>(n).fill(-1);
    prev[0] = 0;
    const q = [0];
    while (q.length && prev[1] === -1) {
      const u = q.shift()!;
      for (let v = 0; v < n; v++) if (prev[v] === -1 && r[u]![v]! > 1e-12) { prev[v] = u; q.push(v); }
    }
    if (prev[1] === -1) break;
    let f = Infinity;
    for (let v = 1; v !== 0; v = prev[v]!) f = Math.min(f, r[prev[v]!]![v]!);
    for (let v = 1; v !== 0; v = prev[v]!) { r[prev[v]!]![v]! -= f; r[v]![prev[v]!]! += f; }
    flow += f;
  }
  const seen = new Array<boolean>(n).fill(false);
  seen[0] = true;
  const q = [0];
  while (q.length) { const u = q.shift()!; for (let v = 0; v < n; v++) if (!seen[v] && r[u]![v]! > 1e-12) { seen[v] = true; q.push(v); } }
  return { flow, sourceSide: seen };
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

describe('MaxFlowGraph (Boykov-Kolmogorov)', () => {
  it('matches Edmonds-Karp on 200 random graphs, flow value and cut capacity', () => {
    for (let trial = 0; trial < 200; trial++) {
      const rand = lcg(trial + 1);
      const nodes = 2 + Math.floor(rand() * 25);
      const n = nodes + 2;
      const cap = Array.from({ length: n }, () => new Array<number>(n).fill(0));
      const g = new MaxFlowGraph(nodes);
      for (let i = 0; i < nodes; i++) {
        const s = rand() < 0.5 ? Math.round(rand() * 20) : 0;
        const t = rand() < 0.5 ? Math.round(rand() * 20) : 0;
        g.addTerminalWeights(i, s, t);
        cap[0]![i + 2] = s;
        cap[i + 2]![1] = t;
      }
      const edges = Math.floor(rand() * nodes * 3);
      for (let e = 0; e < edges; e++) {
        const i = Math.floor(rand() * nodes), j = Math.floor(rand() * nodes);
        if (i === j) continue;
        const a = Math.round(rand() * 10), b = Math.round(rand() * 10);
        g.addEdge(i, j, a, b);
        cap[i + 2]![j + 2]! += a;
        cap[j + 2]![i + 2]! += b;
      }
      const ref = edmondsKarp(cap);
      const flow = g.maxflow();
      expect(flow).toBeCloseTo(ref.flow, 9);
      // The cut BK reports must have exactly the max-flow capacity (it may differ from EK's cut when the min cut is not unique).
      const side = (v: number) => (v === 0 ? true : v === 1 ? false : g.isSourceSide(v - 2));
      let cut = 0;
      for (let u = 0; u < n; u++) for (let v = 0; v < n; v++) if (side(u) && !side(v)) cut += cap[u]![v]!;
      expect(cut).toBeCloseTo(ref.flow, 9);
    }
  });

  it('separates a grid along its weakest column', () => {
    const w = 30, h = 20;
    const g = new MaxFlowGraph(w * h);
    for (let y = 0; y < h; y++) {
      g.addTerminalWeights(y * w, 100, 0);
      g.addTerminalWeights(y * w + w - 1, 0, 100);
      for (let x = 0; x < w - 1; x++) g.addEdge(y * w + x, y * w + x + 1, x === 17 ? 1 : 5, x === 17 ? 1 : 5);
      if (y < h - 1) for (let x = 0; x < w; x++) g.addEdge(y * w + x, (y + 1) * w + x, 3, 3);
    }
    expect(g.maxflow()).toBeCloseTo(h * 1, 9);
    for (let y = 0; y < h; y++) {
      expect(g.isSourceSide(y * w + 17)).toBe(true);
      expect(g.isSourceSide(y * w + 18)).toBe(false);
    }
  });

  it('rejects negative or non-finite capacities', () => {
    const g = new MaxFlowGraph(2);
    expect(() => g.addEdge(0, 1, -1, 0)).toThrow(/finite and >= 0/);
    expect(() => g.addTerminalWeights(0, Number.NaN, 0)).toThrow(/finite and >= 0/);
  });
});
