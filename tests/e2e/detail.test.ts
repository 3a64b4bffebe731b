/**
 * Editor detail end to end in Chromium: at 200 % the stage shows the photo's
 * full-resolution pixels (a 1-px checkerboard the display proxy blurs to
 * grey), a soft brush writes the closed-form edge levels into the mask, and
 * the grow preview computed by the Web Worker is byte-identical to the
 * main-thread function.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc32 } from '../../src/shared/crc32';
import { edgePreviewRgba, sampleMaskToGrid } from '../../src/renderer/mask/edgePreview';
import { maskFromPixels } from '../../src/renderer/mask/maskActions';
import { overlayGridFor } from '../../src/renderer/mask/overlay';
import { imageSize } from '../../src/renderer/geometry/coords';
import { checkerboard, openGeneratedPhoto, stageGeometry, toImage, toPage, wheelBurst, type PhotoSession, type StageGeometry } from './stage';

const W = 3000, H = 2000; // larger than the 2560-px proxy, so the proxy is a downscale

/** Screen pixels of the stage, greyscale (first channel). */
async function stagePixels(page: Page, g: StageGeometry, clip: { x: number; y: number; width: number; height: number }): Promise<(x: number, y: number) => number> {
  const png = await page.screenshot({ clip: { x: g.box.x + clip.x, y: g.box.y + clip.y, width: clip.width, height: clip.height } });
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return (x, y) => data[(y * info.width + x) * info.channels]!;
}

/** Fraction of screen samples (at image-pixel centres) that show the checkerboard value of their image pixel. */
async function checkerMatch(page: Page): Promise<number> {
  const g = await stageGeometry(page);
  const clip = { x: 300, y: 250, width: 240, height: 160 };
  const px = await stagePixels(page, g, clip);
  let good = 0, n = 0;
  for (let sy = 2; sy < clip.height - 2; sy += 3) {
    for (let sx = 2; sx < clip.width - 2; sx += 3) {
      const img = toImage(g, { x: g.box.x + clip.x + sx + 0.5, y: g.box.y + clip.y + sy + 0.5 });
      const ix = Math.floor(img.x), iy = Math.floor(img.y);
      // Only samples well inside an image pixel (its 2×2 screen block at 200 %).
      if (Math.abs(img.x - ix - 0.5) > 0.26 || Math.abs(img.y - iy - 0.5) > 0.26) continue;
      const want = checkerboard(ix, iy);
      n++;
      if (Math.abs(px(sx, sy) - want) < 48) good++;
    }
  }
  return n === 0 ? 0 : good / n;
}

async function rawMask(page: Page): Promise<Uint8Array> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Save mask…' }).click();
  const file = await (await download).path();
  const { data, info } = await sharp(await readFile(file)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height]).toEqual([W, H]);
  return new Uint8Array(data);
}

describe.sequential('editor detail in browser mode', () => {
  let session: PhotoSession;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    session = await openGeneratedPhoto('checker.png', W, H, checkerboard);
    ({ page, errors } = session);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  }, 60_000);

  it('at 200 % the stage shows the full-resolution checkerboard the proxy cannot', async () => {
    const stage = page.getByTestId('stage-container');
    // Fitted, only the proxy is drawn and the 1-px pattern is lost.
    expect(await stage.getAttribute('data-full-res-tiles')).toBe('0');
    expect(await checkerMatch(page)).toBeLessThan(0.7);
    // 100 %, then two wheel notches of ×√2 each: 200 %.
    await page.keyboard.press('Control+1');
    await expect.poll(async () => Number(await stage.getAttribute('data-view-scale'))).toBeCloseTo(1, 9);
    const g = await stageGeometry(page);
    await wheelBurst(page, stage, g.box.x + g.box.width - 40, g.box.y + g.box.height - 40, 2, Math.SQRT2); // in one frame
    await expect.poll(async () => Number(await stage.getAttribute('data-view-scale'))).toBeCloseTo(2, 6);
    await expect.poll(async () => Number(await stage.getAttribute('data-full-res-tiles')), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => checkerMatch(page), { timeout: 30_000 }).toBeGreaterThan(0.98);
    await page.keyboard.press('Control+0');
    await expect.poll(() => stage.getAttribute('data-full-res-tiles')).toBe('0');
    expect(errors).toEqual([]);
  });

  it('a soft brush dab writes the closed-form edge levels; the worker’s grow preview equals the main-thread one', async () => {
    const stage = page.getByTestId('stage-container');
    await page.keyboard.press('b');
    await page.getByLabel('Brush radius in image pixels').fill('60');
    // Shift+[ twice from 100 %: 50 %.
    await page.keyboard.press('Shift+BracketLeft');
    await page.keyboard.press('Shift+BracketLeft');
    await expect.poll(() => page.getByLabel('Brush hardness in percent').inputValue()).toBe('50');
    const g = await stageGeometry(page);
    const at = toPage(g, 1500, 1000);
    await page.mouse.click(at.x, at.y);
    const c = toImage(g, at);
    await expect.poll(async () => Number(await stage.getAttribute('data-mask-filled'))).toBeGreaterThan(0);
    const mask = await rawMask(page);
    let wrong = 0, partial = 0;
    for (let y = 900; y < 1100; y++) for (let x = 1400; x < 1600; x++) {
      const d = Math.hypot(x + 0.5 - c.x, y + 0.5 - c.y);
      if (Math.abs(d - 60) < 1e-6 || Math.abs(d - 30) < 1e-6) continue;
      const p = d > 60 ? 0 : d <= 30 ? 1 : (60 - d) / 30;
      const n = Math.round(128 * p);
      if (mask[y * W + x] !== (n > 0 ? 127 + n : 0)) wrong++;
      if (n > 0 && n < 128) partial++;
    }
    expect(wrong).toBe(0);
    expect(partial).toBeGreaterThan(5000);

    await page.getByLabel('Grow or shrink the mask (px)').fill('6');
    await expect.poll(() => stage.getAttribute('data-edge-preview-crc'), { timeout: 30_000 }).not.toBe('');
    const size = imageSize(W, H);
    const grid = overlayGridFor(size);
    const want = edgePreviewRgba(sampleMaskToGrid(maskFromPixels(W, H, (i) => mask[i]!), grid), grid, { grow: 6, feather: 0 }, [255, 32, 32]);
    expect(Number(await stage.getAttribute('data-edge-preview-crc'))).toBe(crc32(new Uint8Array(want.buffer)));
    await page.getByRole('button', { name: 'Reset' }).click();
    expect(errors).toEqual([]);
  });
});
