/**
 * The brush on a 24-megapixel photo in Chromium: a recorded 200-point stroke
 * (bench/lib/browserStroke.ts) replayed at its recorded pace with real mouse
 * input against the browser-mode server, measuring the time the page spends
 * per pointer event, the frame rate while painting, and the commit of the
 * stroke into the full-resolution mask. The reference, measured in the same
 * run, is the same replay on a 1-megapixel photo: the ratios show what the
 * photo's size costs (the target is that it costs nearly nothing: the
 * display is a proxy, the overlay a fixed-size canvas, and only the touched
 * mask tiles are rasterised). Writes bench/results/brush.json. Target
 * (DESIGN.md §8): ≥ 50 fps on 24 MP.
 */
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { startBenchStudio, type BenchStudio } from './lib/browserStudio';
import { RECORDED_STROKE } from './lib/browserStroke';
import { photoLikeImage } from './lib/photoLikeImage';
import { loadWarning, writeBenchResults } from './lib/results';
import { formatTable } from './lib/table';
import { median } from './lib/timing';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Case { readonly name: string; readonly width: number; readonly height: number }
const CASES: readonly Case[] = [
  { name: '24 MP', width: 6000, height: 4000 },
  { name: '1 MP (reference)', width: 1224, height: 816 },
];

interface Replay {
  /** Page time per pointermove (capture on window to the end of bubbling: React's handler and the live overlay draw). */
  readonly moveMs: number[];
  /** pointerup: the stroke rasterised into the full-resolution tiles and the overlay's changed tiles re-rendered. */
  readonly commitMs: number;
  /** Intervals between animation frames while the stroke was being drawn. */
  readonly frameMs: number[];
  readonly filled: number;
}

const percentile = (v: readonly number[], p: number): number => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);

/** In-page timing (a script string: it runs in the page, not in Node). */
const INSTRUMENT = `(() => {
  const log = { moves: [], up: [], frames: [], recording: false };
  window.benchLog = log;
  let t0 = 0;
  window.addEventListener('pointermove', () => { t0 = performance.now(); }, { capture: true });
  window.addEventListener('pointermove', () => { if (log.recording) log.moves.push(performance.now() - t0); });
  window.addEventListener('pointerup', () => { t0 = performance.now(); }, { capture: true });
  window.addEventListener('pointerup', () => { if (log.recording) log.up.push(performance.now() - t0); });
  const frame = (t) => { if (log.recording) log.frames.push(t); requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
})()`;
const START = `(() => { const l = window.benchLog; l.moves = []; l.up = []; l.frames = []; l.recording = true; })()`;
const TWO_FRAMES = `new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))`;
const STOP = `(() => { const l = window.benchLog; l.recording = false; return { moves: l.moves, up: l.up, frames: l.frames }; })()`;

async function instrument(page: Page): Promise<void> {
  await page.evaluate(INSTRUMENT);
}

async function replay(page: Page): Promise<Replay> {
  const stage = page.getByTestId('stage-container');
  const box = (await stage.boundingBox())!;
  const num = async (n: string): Promise<number> => Number(await stage.getAttribute(n));
  const [scale, ox, oy, iw, ih] = [await num('data-view-scale'), await num('data-view-offset-x'), await num('data-view-offset-y'), await num('data-image-width'), await num('data-image-height')];
  const at = ([fx, fy]: readonly [number, number, number]) => ({ x: box.x + ox + fx * iw * scale, y: box.y + oy + fy * ih * scale });
  await page.evaluate(START);
  const first = at(RECORDED_STROKE[0]!);
  await page.mouse.move(first.x, first.y);
  await page.mouse.down();
  const start = performance.now();
  for (const p of RECORDED_STROKE.slice(1)) {
    const wait = start + p[2] - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const s = at(p);
    await page.mouse.move(s.x, s.y);
  }
  await page.mouse.up();
  await page.evaluate(TWO_FRAMES);
  const log = await page.evaluate(STOP) as { moves: number[]; up: number[]; frames: number[] };
  const frames = log.frames;
  const frameMs = frames.slice(1).map((t, i) => t - frames[i]!);
  return { moveMs: log.moves, commitMs: log.up[0] ?? NaN, frameMs, filled: await num('data-mask-filled') };
}

async function measure(studio: BenchStudio, c: Case): Promise<{ runs: Replay[] }> {
  const img = await photoLikeImage(c.width, c.height);
  const jpeg = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  const detail = await studio.call('images.import', { fileName: `bench-${c.width}x${c.height}.jpg`, bytes: new Uint8Array(jpeg) });
  const page = await studio.newPage();
  await page.goto(studio.url);
  await page.locator(`[data-testid="project-item"][data-project-id="${detail.project.id}"]`).click();
  await page.getByTestId('stage-container').and(page.locator('[data-ready="true"]')).waitFor({ timeout: 120_000 });
  await page.keyboard.press('b');
  await instrument(page);
  await replay(page); // warm-up: JIT, tile allocation, image decode
  await page.keyboard.press('Control+z');
  const runs: Replay[] = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(await replay(page));
    await page.keyboard.press('Control+z');
  }
  await page.close();
  return { runs };
}

async function main(): Promise<void> {
  const warning = loadWarning();
  if (warning) console.warn(warning);
  const studio = await startBenchStudio();
  try {
    const results: Record<string, unknown>[] = [];
    for (const c of CASES) {
      const { runs } = await measure(studio, c);
      const moves = runs.flatMap((r) => r.moveMs);
      const frames = runs.flatMap((r) => r.frameMs);
      const fpsPerRun = runs.map((r) => 1000 / mean(r.frameMs));
      results.push({
        case: c.name, width: c.width, height: c.height, runs: runs.length,
        pointerEvents: moves.length,
        moveMeanMs: mean(moves), moveP95Ms: percentile(moves, 95), moveMaxMs: Math.max(...moves),
        fpsMedian: median(fpsPerRun), frameP95Ms: percentile(frames, 95), frameMaxMs: Math.max(...frames),
        commitMedianMs: median(runs.map((r) => r.commitMs)),
        maskPixelsFilled: runs[0]!.filled,
      });
    }
    const [big, ref] = results as { [k: string]: number }[];
    const ratios = {
      moveMean: big!.moveMeanMs! / ref!.moveMeanMs!,
      moveP95: big!.moveP95Ms! / ref!.moveP95Ms!,
      fps: big!.fpsMedian! / ref!.fpsMedian!,
      commit: big!.commitMedianMs! / ref!.commitMedianMs!,
    };
    const f = (v: unknown, d = 2): string => (typeof v === 'number' ? v.toFixed(d) : String(v));
    console.log(formatTable(
      ['photo', 'events', 'ms/event mean', 'p95', 'max', 'fps', 'frame p95 ms', 'commit ms'],
      results.map((r) => [String(r['case']), String(r['pointerEvents']), f(r['moveMeanMs']), f(r['moveP95Ms']), f(r['moveMaxMs']), f(r['fpsMedian'], 1), f(r['frameP95Ms'], 1), f(r['commitMedianMs'], 1)]),
    ));
    console.log(`ratios 24 MP / 1 MP: ms/event ${f(ratios.moveMean)}×, p95 ${f(ratios.moveP95)}×, fps ${f(ratios.fps)}×, commit ${f(ratios.commit)}×`);
    console.log(`target: >= 50 fps on 24 MP: ${(big!.fpsMedian! >= 50) ? 'met' : 'NOT met'} (${f(big!.fpsMedian, 1)} fps; headless Chromium, software rendering, 2 shared cores)`);
    const file = writeBenchResults('brush', {
      description: 'Recorded 200-point brush stroke replayed with real mouse input in Chromium (headless, --disable-gpu) against browser mode; page time per pointer event, frame rate while painting, stroke commit; reference: the same replay on a 1-MP photo in the same run.',
      stroke: { points: RECORDED_STROKE.length, durationMs: RECORDED_STROKE.at(-1)![2] },
      results, ratios, targetFps: 50, loadWarning: warning,
    });
    console.log(`wrote ${file}`);
  } finally {
    await studio.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
