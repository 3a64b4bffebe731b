import { describe, expect, it } from 'vitest';
import { crc32 } from '../../shared/crc32';
import { edgePreviewRgba, sampleMaskToGrid } from './edgePreview';
import { EdgePreviewClient, type WorkerLike } from './edgePreviewClient';
import { createPreviewHandler, type FromWorker, type ToWorker } from './edgePreviewProtocol';
import { maskFromPixels } from './maskActions';
import { createMask, type MaskRaster } from './tiledMask';

/**
 * A worker stand-in that runs the real handler behind structured clone with
 * transfer (what postMessage does between threads) and an explicit task queue.
 */
function fakeWorker(): { worker: WorkerLike; flush: () => void; computed: () => number } {
  const tasks: (() => void)[] = [];
  let computed = 0;
  const worker: WorkerLike = {
    onmessage: null,
    postMessage(message: ToWorker, transfer: Transferable[]) {
      const copy = structuredClone(message, { transfer });
      tasks.push(() => handle(copy));
    },
    terminate() { tasks.length = 0; },
  };
  const handle = createPreviewHandler({
    postMessage(message: FromWorker, transfer: Transferable[]) {
      if (!('error' in message)) computed++;
      const copy = structuredClone(message, { transfer });
      tasks.push(() => worker.onmessage?.({ data: copy } as MessageEvent<FromWorker>));
    },
    defer: (task) => tasks.push(task),
  });
  return { worker, flush: () => { while (tasks.length) tasks.shift()!(); }, computed: () => computed };
}

function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const W = 600, H = 400; // several 256-px tiles, some empty

/** A hard box across a tile border and a soft patch. */
function testMask(): MaskRaster {
  return maskFromPixels(W, H, (i) => {
    const x = i % W, y = Math.floor(i / W);
    if (y >= 20 && y < 140 && x >= 200 && x < 330) return 255;
    if (y >= 180 && y < 260 && x >= 300 && x < 420) return 128 + ((x + y) % 128);
    return 0;
  });
}

/** What the main thread would compute. */
function mainThread(mask: MaskRaster, grid: { width: number; height: number; sx: number; sy: number }, input: { grow: number; feather: number }, rgb: [number, number, number]) {
  return edgePreviewRgba(sampleMaskToGrid(mask, grid), grid, input, rgb);
}

describe('grow/feather preview in a worker', () => {
  const grid = { width: 300, height: 200, sx: 0.5, sy: 0.5 };

  it('answers with bytes identical to the main-thread functions, for grow, shrink and feather', async () => {
    const fake = fakeWorker();
    const client = new EdgePreviewClient(() => fake.worker);
    const mask = testMask();
    const before = mask.tiles.map((t) => t?.data.slice() ?? null);
    for (const input of [{ grow: 24, feather: 0 }, { grow: -12, feather: 20 }, { grow: 0, feather: 60 }, { grow: 80, feather: 16 }]) {
      const answer = client.render(mask, grid, input, [255, 32, 32]);
      fake.flush();
      const got = await answer;
      const want = mainThread(mask, grid, input, [255, 32, 32]);
      expect(got).not.toBeNull();
      expect(got!.width).toBe(grid.width);
      expect(same(got!.rgba, want), JSON.stringify(input)).toBe(true);
      expect(got!.crc).toBe(crc32(new Uint8Array(want.buffer)));
    }
    // The editor's tiles are untouched (postMessage copied them).
    mask.tiles.forEach((t, i) => expect(t === null ? before[i] === null : same(t.data, before[i]!)).toBe(true));
  });

  it('a burst of requests computes only the newest; superseded ones resolve to null', async () => {
    const fake = fakeWorker();
    const client = new EdgePreviewClient(() => fake.worker);
    const mask = testMask();
    const answers = [2, 4, 6, 8].map((g) => client.render(mask, grid, { grow: g, feather: 0 }, [1, 2, 3]));
    fake.flush();
    const got = await Promise.all(answers);
    expect(got.slice(0, 3)).toEqual([null, null, null]);
    expect(same(got[3]!.rgba, mainThread(mask, grid, { grow: 8, feather: 0 }, [1, 2, 3]))).toBe(true);
    expect(fake.computed()).toBe(1);
  });

  it('a new mask is sent before the preview that uses it', async () => {
    const fake = fakeWorker();
    const client = new EdgePreviewClient(() => fake.worker);
    const first = client.render(testMask(), grid, { grow: 10, feather: 0 }, [9, 9, 9]);
    fake.flush();
    await first;
    const b = maskFromPixels(W, H, (i) => (i === 160 * W + 240 ? 255 : 0));
    expect(b).not.toEqual(createMask(W, H));
    const second = client.render(b, grid, { grow: 10, feather: 0 }, [9, 9, 9]);
    fake.flush();
    expect(same((await second)!.rgba, mainThread(b, grid, { grow: 10, feather: 0 }, [9, 9, 9]))).toBe(true);
  });
});
