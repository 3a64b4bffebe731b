/**
 * "100 %" at a fractional devicePixelRatio (1.5, a common Windows laptop
 * scale; compare-detail.test.ts covers 2). In the editor after Ctrl+1, on a
 * 1-px checkerboard: every Konva canvas's bitmap is its CSS size times the
 * ratio (the stage is sized in whole device pixels), and the device pixels
 * show one photo pixel each. At 1.25 headless Chromium resamples any canvas
 * below the page's top edge (a bare canvas in a blank page too), so that
 * ratio is not asserted here.
 */
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkerboard, openGeneratedPhoto, openPhotoInEditor, type PhotoSession } from './stage';

const W = 3000, H = 2000;

async function alternatingShare(page: Page, el: Locator, ratio: number): Promise<{ alternating: number; exact: number; n: number }> {
  const box = (await el.boundingBox())!;
  const num = async (n: string): Promise<number> => Number(await el.getAttribute(n));
  const scale = await num('data-view-scale'), offsetX = await num('data-view-offset-x'), offsetY = await num('data-view-offset-y');
  const clip = { x: Math.round(box.width / 2 - 200), y: Math.round(box.height / 2 - 120), width: 400, height: 240 };
  // The whole viewport at device resolution, cropped here: a clip at a fractional device position would be resampled by the capture itself.
  const whole = await page.screenshot();
  const left = Math.round((box.x + clip.x) * ratio), top = Math.round((box.y + clip.y) * ratio);
  const { data, info } = await sharp(whole).extract({ left, top, width: Math.round(clip.width * ratio), height: Math.round(clip.height * ratio) }).raw().toBuffer({ resolveWithObject: true });
  const at = (dx: number, dy: number): number => data[(dy * info.width + dx) * info.channels]!;
  let exact = 0, alternating = 0, n = 0;
  for (let dy = 0; dy < info.height - 1; dy++) {
    for (let dx = 0; dx < info.width - 1; dx++) {
      const cssX = clip.x + (dx + 0.5) / ratio, cssY = clip.y + (dy + 0.5) / ratio;
      const ix = Math.floor((cssX - offsetX) / scale), iy = Math.floor((cssY - offsetY) / scale);
      n++;
      const here = at(dx, dy);
      if (Math.abs(here - checkerboard(ix, iy)) < 48) exact++;
      if (Math.abs(at(dx + 1, dy) - here) > 200 && Math.abs(at(dx, dy + 1) - here) > 200) alternating++;
    }
  }
  return { exact: exact / n, alternating: alternating / n, n };
}

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
    await new Promise((r) => setTimeout(r, 1500));
    const canvases = await page.evaluate(`[...document.querySelectorAll('[data-testid="stage-container"] canvas')].map((c) => ({
      bitmap: c.width, cssWidth: parseFloat(c.style.width), bitmapH: c.height, cssHeight: parseFloat(c.style.height), left: c.getBoundingClientRect().left }))`) as { bitmap: number; cssWidth: number; bitmapH: number; cssHeight: number; left: number }[];
    const m = await alternatingShare(page, stage, RATIO);
    // A 1-px checkerboard at 100 % alternates on the device grid, each device pixel showing its photo pixel.
    expect(m.alternating).toBeGreaterThan(0.98);
    expect(m.exact).toBeGreaterThan(0.98);
    for (const c of canvases) expect([c.bitmap, c.bitmapH], `canvas bitmap vs its CSS size × ${RATIO}`).toEqual([c.cssWidth * RATIO, c.cssHeight * RATIO]);
  }, 240_000);
});
