/**
 * "100 %" at a fractional devicePixelRatio (1.5, a common Windows laptop
 * scale; compare-detail.test.ts covers 2). In the editor after Ctrl+1, on a
 * 1-px checkerboard: every Konva canvas's bitmap is its CSS size times the
 * ratio (the stage is sized in whole device pixels), and the device pixels
 * show one photo pixel each. At 1.25 headless Chromium resamples any canvas
 * below the page's top edge (a bare canvas in a blank page too), so that
 * ratio is not asserted here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkerboard, devicePixelMatch, openGeneratedPhoto, openPhotoInEditor, type PhotoSession } from './stage';

const W = 3000, H = 2000;

describe.sequential('100 % at a fractional devicePixelRatio', () => {
  let session: PhotoSession;
  beforeAll(async () => { session = await openGeneratedPhoto('checker.png', W, H, checkerboard); }, 120_000);
  afterAll(async () => { await session?.close(); }, 60_000);

  for (const RATIO of [1.5]) it(`puts one photo pixel on each device pixel in the editor at ${RATIO}`, async () => {
    const errors: string[] = [];
    const page = await openPhotoInEditor(session.studio, session.photo, errors, { deviceScaleFactor: RATIO });
    const stage = page.getByTestId('stage-container');
    await page.keyboard.press('Control+1');
    await expect.poll(async () => Number(await stage.getAttribute('data-view-scale'))).toBeCloseTo(1 / RATIO, 9);
    await expect.poll(async () => Number(await stage.getAttribute('data-full-res-tiles')), { timeout: 30_000 }).toBeGreaterThan(0);
    const canvases = await page.evaluate(`[...document.querySelectorAll('[data-testid="stage-container"] canvas')].map((c) => ({
      bitmap: c.width, cssWidth: parseFloat(c.style.width), bitmapH: c.height, cssHeight: parseFloat(c.style.height), left: c.getBoundingClientRect().left }))`) as { bitmap: number; cssWidth: number; bitmapH: number; cssHeight: number; left: number }[];
    const box = (await stage.boundingBox())!;
    const clip = { x: Math.round(box.width / 2 - 200), y: Math.round(box.height / 2 - 120), width: 400, height: 240 };
    // A 1-px checkerboard at 100 % alternates on the device grid, each device pixel showing its photo pixel,
    // once every visible full-resolution tile has arrived (until then the blurred proxy shows grey there).
    await expect.poll(async () => (await devicePixelMatch(page, stage, clip, RATIO, checkerboard)).alternating, { timeout: 30_000 }).toBeGreaterThan(0.98);
    const m = await devicePixelMatch(page, stage, clip, RATIO, checkerboard);
    expect(m.n).toBeGreaterThan(100_000);
    expect(m.alternating).toBeGreaterThan(0.98);
    expect(m.exact).toBeGreaterThan(0.98);
    for (const c of canvases) expect([c.bitmap, c.bitmapH], `canvas bitmap vs its CSS size × ${RATIO}`).toEqual([c.cssWidth * RATIO, c.cssHeight * RATIO]);
  }, 240_000);
});
