/**
 * Semantic selection on a 24-megapixel photo: detection with tiles and the
 * per-object refinement, against the plain reference measured in the same
 * run (one full-frame resize to 416 px + one NanoDet pass, no tiles, no
 * refinement). The photo is assets/sample.jpg (boats on a shore) scaled to
 * 6000x4000 with a printed portrait (a person 470 px tall) placed in it.
 * Prints a table of times and ratios and writes bench/results/segmentation.json.
 * Run on an idle machine (no training in the background).
 */
import path from 'node:path';
import sharp from 'sharp';
import { packageRoot } from '../src/main/workers/paths';
import { SegmentationEngine } from '../src/main/segmentation/engine';
import type { RgbImage } from '../src/main/segmentation/image';
import { lifetimeMaxRssBytes, megabytes, trackPeakRss } from './lib/peakMemory';
import { loadWarning, writeBenchResults } from './lib/results';
import { formatTable } from './lib/table';
import { timeRuns } from './lib/timing';

const WIDTH = 6000;
const HEIGHT = 4000;
const RUNS = Number(process.env.BENCH_RUNS ?? 2);

async function benchPhoto(): Promise<RgbImage> {
  const root = packageRoot();
  const bg = await sharp(path.join(root, 'assets/sample.jpg')).resize(WIDTH, HEIGHT, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  const w = 400, h = 469, ox = 4300, oy = 2700;
  const portrait = await sharp(path.join(root, 'tests/fixtures/segmentation/grace_hopper.jpg')).resize(w, h, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  const data = new Uint8Array(bg);
  for (let y = 0; y < h; y++) data.set(portrait.subarray(y * w * 3, (y + 1) * w * 3), ((oy + y) * WIDTH + ox) * 3);
  return { width: WIDTH, height: HEIGHT, data };
}

async function main(): Promise<void> {
  const warning = loadWarning();
  if (warning) console.log(warning);
  const image = await benchPhoto();
  const engine = SegmentationEngine.create();
  // Warm-up: model loading and the first ONNX Runtime run are not part of a selection's cost.
  await engine.detectObjects({ width: 416, height: 416, data: new Uint8Array(416 * 416 * 3) }, { tileSize: 0 });
  await engine.selectInBox({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).fill(90) }, { x: 16, y: 16, width: 32, height: 32 });

  // The engine caches detections per pixel buffer; every run gets a fresh copy so it pays for detection.
  const fresh = (): RgbImage => ({ ...image, data: image.data.slice() });
  const scenarios: { name: string; run: () => Promise<string> }[] = [
    { name: 'reference: full-frame resize + 1 detector pass', run: async () => `${(await engine.detectObjects(fresh(), { tileSize: 0 })).length} objects` },
    { name: 'detection, full frame + tiles', run: async () => `${(await engine.detectObjects(fresh())).length} objects` },
    { name: 'select all people (detect + person model + refine)', run: async () => `${(await engine.selectByClass(fresh(), 'person')).layers.length} layers` },
    { name: 'click on a boat (detect + GrabCut + refine)', run: async () => `${(await engine.selectAtPoint(fresh(), 750, 3200)).label}` },
    { name: 'select all boats (detect + GrabCut each)', run: async () => `${(await engine.selectByClass(fresh(), 'boat')).layers.length} layers` },
  ];
  const copy = await timeRuns(RUNS, () => fresh());
  console.log(`  (copying the 24 MP buffer, included in every scenario: ${Math.round(copy.medianMs)} ms)`);
  const results: { name: string; runsMs: number[]; medianMs: number; ratio: number; peakRssMB: number; outcome: string }[] = [];
  for (const s of scenarios) {
    let peak = 0;
    let outcome = '';
    const timed = await timeRuns(RUNS, async () => {
      const { result, peakRssBytes } = await trackPeakRss(s.run);
      peak = Math.max(peak, peakRssBytes);
      outcome = result;
    });
    const reference = results[0]?.medianMs ?? timed.medianMs;
    results.push({ name: s.name, runsMs: timed.runsMs.map(Math.round), medianMs: Math.round(timed.medianMs), ratio: timed.medianMs / reference, peakRssMB: megabytes(peak), outcome });
    console.log(`  ${s.name}: ${timed.runsMs.map((t) => Math.round(t)).join(', ')} ms (${outcome})`);
  }
  await engine.close();

  console.log(`\nSelection on a ${WIDTH}x${HEIGHT} photo (${(WIDTH * HEIGHT / 1e6).toFixed(0)} MP), median of ${RUNS} runs, ratio against the plain full-frame detector pass:\n`);
  console.log(formatTable(['scenario', 'median ms', 'x reference', 'peak RSS MB', 'result'], results.map((r) => [r.name, String(r.medianMs), r.ratio.toFixed(2), String(Math.round(r.peakRssMB)), r.outcome])));
  const file = writeBenchResults('segmentation', {
    image: { width: WIDTH, height: HEIGHT, source: 'assets/sample.jpg scaled + tests/fixtures/segmentation/grace_hopper.jpg 400x469 at 4300,2700' },
    runs: RUNS,
    reference: results[0]!.name,
    scenarios: results,
    lifetimeMaxRssMB: megabytes(lifetimeMaxRssBytes()),
    loadWarning: warning,
  });
  console.log(`\nwrote ${path.relative(packageRoot(), file)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
