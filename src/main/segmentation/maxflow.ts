/**
 * Minimum s-t cut by the Boykov-Kolmogorov augmenting-paths algorithm
 * (Boykov & Kolmogorov, "An Experimental Comparison of Min-Cut/Max-Flow
 * Algorithms for Energy Minimization in Vision", PAMI 2004), written from
 * the paper: two search trees grown from the terminals, augment along the
 * path where they meet, re-adopt orphans. Fast on the grid graphs of GrabCut.
 *
 * Arcs come in pairs (a, a ^ 1); terminal capacities are kept as one signed
 * residual per node (> 0: to the source, < 0: to the sink).
 */

const FREE = 0;
const SOURCE_TREE = 1;
const SINK_TREE = 2;
const NO_PARENT = -1;
const TERMINAL = -2;
const ORPHAN = -3;

export class MaxFlowGraph {
  private readonly first: Int32Array;
  private readonly trCap: Float64Array;
  private head: Int32Array;
  private next: Int32Array;
  private rCap: Float64Array;
  private arcCount = 0;
  private flowFromTerminals = 0;
  private tree: Uint8Array | null = null;

  constructor(readonly nodeCount: number, expectedEdges = nodeCount * 4) {
    this.first = new Int32Array(nodeCount).fill(-1);
    this.trCap = new Float64Array(nodeCount);
    const arcs = Math.max(2, expectedEdges * 2);
    this.head = new Int32Array(arcs);
    this.next = new Int32Array(arcs);
    this.rCap = new Float64Array(arcs);
  }

  /** Capacities `cap` from i to j and `revCap` from j to i. */
  addEdge(i: number, j: number, cap: number, revCap: number): void {
    if (i === j) return;
    if (cap < 0 || revCap < 0 || !Number.isFinite(cap) || !Number.isFinite(revCap)) throw new Error(`edge ${i}-${j}: capacities must be finite and >= 0 (${cap}, ${revCap})`);
    if (this.arcCount + 2 > this.head.length) this.grow();
    const a = this.arcCount;
    this.head[a] = j; this.rCap[a] = cap; this.next[a] = this.first[i]!; this.first[i] = a;
    this.head[a + 1] = i; this.rCap[a + 1] = revCap; this.next[a + 1] = this.first[j]!; this.first[j] = a + 1;
    this.arcCount += 2;
  }

  /** Capacity from the source to i and from i to the sink (they may both be > 0). */
  addTerminalWeights(i: number, toSource: number, toSink: number): void {
    if (toSource < 0 || toSink < 0 || !Number.isFinite(toSource) || !Number.isFinite(toSink)) throw new Error(`node ${i}: terminal capacities must be finite and >= 0`);
    // The common part flows straight from source to sink through i.
    const common = Math.min(toSource, toSink);
    this.flowFromTerminals += common;
    this.trCap[i] = this.trCap[i]! + (toSource - common) - (toSink - common);
  }

  private grow(): void {
    const n = this.head.length * 2;
    const h = new Int32Array(n); h.set(this.head); this.head = h;
    const nx = new Int32Array(n); nx.set(this.next); this.next = nx;
    const r = new Float64Array(n); r.set(this.rCap); this.rCap = r;
  }

  /** Runs the algorithm; returns the max-flow value (= min-cut capacity). */
  maxflow(): number {
    const n = this.nodeCount;
    const { first, trCap, head, next, rCap } = this;
    const tree = new Uint8Array(n);
    const parent = new Int32Array(n).fill(NO_PARENT);
    const ts = new Int32Array(n);
    const dist = new Int32Array(n);
    const queue = new Int32Array(n + 1);
    const queued = new Uint8Array(n);
    let qHead = 0, qTail = 0, qSize = 0;
    const push = (v: number): void => {
      if (queued[v]) return;
      queued[v] = 1;
      queue[qTail] = v;
      qTail = qTail + 1 === queue.length ? 0 : qTail + 1;
      qSize++;
    };
    const pop = (): number => {
      const v = queue[qHead]!;
      qHead = qHead + 1 === queue.length ? 0 : qHead + 1;
      qSize--;
      queued[v] = 0;
      return v;
    };
    let orphans: number[] = [];
    let time = 1;
    let flow = this.flowFromTerminals;

    for (let v = 0; v < n; v++) {
      if (trCap[v]! > 0) { tree[v] = SOURCE_TREE; parent[v] = TERMINAL; dist[v] = 1; ts[v] = time; push(v); }
      else if (trCap[v]! < 0) { tree[v] = SINK_TREE; parent[v] = TERMINAL; dist[v] = 1; ts[v] = time; push(v); }
    }

    const augment = (middle: number): void => {
      // middle goes from a source-tree node to a sink-tree node.
      let f = rCap[middle]!;
      let u = head[middle ^ 1]!;
      while (parent[u] !== TERMINAL) { const a = parent[u]!; f = Math.min(f, rCap[a ^ 1]!); u = head[a]!; }
      f = Math.min(f, trCap[u]!);
      let v = head[middle]!;
      while (parent[v] !== TERMINAL) { const a = parent[v]!; f = Math.min(f, rCap[a]!); v = head[a]!; }
      f = Math.min(f, -trCap[v]!);

      rCap[middle] = rCap[middle]! - f;
      rCap[middle ^ 1] = rCap[middle ^ 1]! + f;
      u = head[middle ^ 1]!;
      while (parent[u] !== TERMINAL) {
        const a = parent[u]!;
        rCap[a ^ 1] = rCap[a ^ 1]! - f;
        rCap[a] = rCap[a]! + f;
        const up = head[a]!;
        if (rCap[a ^ 1]! <= 0) { rCap[a ^ 1] = 0; parent[u] = ORPHAN; orphans.push(u); }
        u = up;
      }
      trCap[u] = trCap[u]! - f;
      if (trCap[u]! <= 0) { trCap[u] = 0; parent[u] = ORPHAN; orphans.push(u); }
      v = head[middle]!;
      while (parent[v] !== TERMINAL) {
        const a = parent[v]!;
        rCap[a] = rCap[a]! - f;
        rCap[a ^ 1] = rCap[a ^ 1]! + f;
        const up = head[a]!;
        if (rCap[a]! <= 0) { rCap[a] = 0; parent[v] = ORPHAN; orphans.push(v); }
        v = up;
      }
      trCap[v] = trCap[v]! + f;
      if (trCap[v]! >= 0) { trCap[v] = 0; parent[v] = ORPHAN; orphans.push(v); }
      flow += f;
    };

    /** Distance from v to its terminal through valid parents, or -1 if its tree is cut. */
    const originDistance = (start: number): number => {
      let d = 0;
      let j = start;
      for (;;) {
        if (ts[j] === time) { d += dist[j]!; break; }
        const a = parent[j]!;
        d++;
        if (a === TERMINAL) { ts[j] = time; dist[j] = 1; break; }
        if (a === ORPHAN || a === NO_PARENT) return -1;
        j = head[a]!;
      }
      // Cache the distances along the verified path.
      let dd = d;
      for (j = start; ts[j] !== time; j = head[parent[j]!]!) { ts[j] = time; dist[j] = dd--; }
      return d;
    };

    const adopt = (): void => {
      while (orphans.length > 0) {
        const batch = orphans;
        orphans = [];
        for (let k = 0; k < batch.length; k++) {
          const o = batch[k]!;
          if (parent[o] !== ORPHAN) continue;
          const t = tree[o]!;
          let best = NO_PARENT, bestDist = Infinity;
          for (let a = first[o]!; a !== -1; a = next[a]!) {
            const q = head[a]!;
            if (tree[q] !== t) continue;
            const residual = t === SOURCE_TREE ? rCap[a ^ 1]! : rCap[a]!;
            if (residual <= 0) continue;
            const d = originDistance(q);
            if (d >= 0 && d < bestDist) { best = a; bestDist = d; }
          }
          if (best !== NO_PARENT) {
            parent[o] = best; ts[o] = time; dist[o] = bestDist + 1;
            continue;
          }
          tree[o] = FREE;
          parent[o] = NO_PARENT;
          for (let a = first[o]!; a !== -1; a = next[a]!) {
            const q = head[a]!;
            if (tree[q] !== t) continue;
            const residual = t === SOURCE_TREE ? rCap[a ^ 1]! : rCap[a]!;
            if (residual > 0) push(q);
            const pq = parent[q]!;
            if (pq >= 0 && head[pq] === o) { parent[q] = ORPHAN; orphans.push(q); }
          }
        }
      }
    };

    while (qSize > 0) {
      const p = pop();
      let again = true;
      while (again && tree[p] !== FREE) {
        again = false;
        for (let a = first[p]!; a !== -1; a = next[a]!) {
          const q = head[a]!;
          if (tree[p] === SOURCE_TREE) {
            if (rCap[a]! <= 0) continue;
            if (tree[q] === FREE) {
              tree[q] = SOURCE_TREE; parent[q] = a ^ 1; ts[q] = ts[p]!; dist[q] = dist[p]! + 1; push(q);
            } else if (tree[q] === SOURCE_TREE) {
              // Keep the trees shallow: hang q under p when p's verified path is shorter.
              if (ts[q]! <= ts[p]! && dist[q]! > dist[p]! && parent[q] !== TERMINAL) { parent[q] = a ^ 1; ts[q] = ts[p]!; dist[q] = dist[p]! + 1; }
            } else {
              augment(a); time++; adopt(); again = true; break;
            }
          } else {
            if (rCap[a ^ 1]! <= 0) continue;
            if (tree[q] === FREE) {
              tree[q] = SINK_TREE; parent[q] = a ^ 1; ts[q] = ts[p]!; dist[q] = dist[p]! + 1; push(q);
            } else if (tree[q] === SINK_TREE) {
              if (ts[q]! <= ts[p]! && dist[q]! > dist[p]! && parent[q] !== TERMINAL) { parent[q] = a ^ 1; ts[q] = ts[p]!; dist[q] = dist[p]! + 1; }
            } else {
              augment(a ^ 1); time++; adopt(); again = true; break;
            }
          }
        }
      }
    }
    this.tree = tree;
    return flow;
  }

  /** After maxflow(): true when node i is on the source side of the minimum cut. */
  isSourceSide(i: number): boolean {
    if (!this.tree) throw new Error('call maxflow() first');
    return this.tree[i] === SOURCE_TREE;
  }
}
