/**
 * The compare view at full resolution, end to end in Chromium: a 1-px
 * checkerboard (which the 2,560-px display proxy blurs to grey) with a white
 * square filled away by a 2-sample PatchMatch run. At 200 % the split pane
 * shows the original's true pixels left of the line and the sample's right
 * of it, and both side-by-side panes show their own sample's true pixels:
 * the pixels of the version that applying that sample makes. On a HiDPI
 * screen (devicePixelRatio 2), "100 %" in the editor and in the compare view
 * puts each photo pixel on exactly one device pixel.
 */
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Studio } from './harness';
import { checkerboard, devicePixelMatch, drag, maskFilled, openGeneratedPhoto, openPhotoInEditor, stageGeometry, toPage, wheelBurst, type PhotoSession } from './stage';

const W = 3000, H = 2000; // larger than the proxy, so the proxy is a downscale
const SQUARE = { x: 1450, y: 950, width: 100, height: 100 }; // what the fill removes, at the photo's centre
/** Image pixels checked in each pane at 200 %: the filled area and checkerboard around it. */
const CHECKED = { x: 1380, y: 900, width: 240, height: 200 };
/** Where the fill may have changed pixels: the mask drawn around the square, with slack for its drawn corners. */
const FILLED = { x: SQUARE.x - 30, y: SQUARE.y - 30, width: SQUARE.width + 60, height: SQUARE.height + 60 };

type Pixel = (ix: number, iy: number) => number;

const inside = (r: typeof SQUARE, x: number, y: number): boolean => x >= r.x && y >= r.y && x < r.x + r.width && y < r.y + r.height;
const original: Pixel = (x, y) => (inside(SQUARE, x, y) ? 255 : checkerboard(x, y));

/** A screenshot of a pane at its current view, with the transform it was drawn with. */
interface PaneShot { readonly png: Buffer; readonly scale: number; readonly offsetX: number; readonly offsetY: number }

async function shootPane(page: Page, pane: Locator): Promise<PaneShot> {
  const box = (await pane.boundingBox())!;
  const num = async (n: string): Promise<number> => Number(await pane.getAttribute(n));
  return {
    png: await page.screenshot({ clip: box }),
    scale: await num('data-view-scale'), offsetX: await num('data-view-offset-x'), offsetY: await num('data-view-offset-y'),
  };
}

/**
 * Fraction of screen samples (well inside an image pixel's 2×2 block at 200 %, within CHECKED) that show the
 * reference value of their image pixel; `want` answers null for samples not checked.
 */
async function matchShare(shot: PaneShot, want: (ix: number, iy: number, sx: number) => number | null): Promise<{ share: number; n: number }> {
  const { data, info } = await sharp(shot.png).raw().toBuffer({ resolveWithObject: true });
  let good = 0, n = 0;
  for (let sy = 1; sy < info.height - 1; sy += 3) {
    for (let sx = 1; sx < info.width - 1; sx += 3) {
      const x = (sx + 0.5 - shot.offsetX) / shot.scale, y = (sy + 0.5 - shot.offsetY) / shot.scale;
      const ix = Math.floor(x), iy = Math.floor(y);
      if (ix < CHECKED.x || iy < CHECKED.y || ix >= CHECKED.x + CHECKED.width || iy >= CHECKED.y + CHECKED.height) continue;
      if (Math.abs(x - ix - 0.5) > 0.26 || Math.abs(y - iy - 0.5) > 0.26) continue;
      const v = want(ix, iy, sx);
      if (v === null) continue;
      n++;
      if (Math.abs(data[(sy * info.width + sx) * info.channels]! - v) < 48) good++;
    }
  }
  return { share: n === 0 ? 0 : good / n, n };
}

/** Full-resolution tiles drawn for each picture in a pane (the split pane has two: original and sample). */
async function tilesPerPicture(pane: Locator): Promise<number[]> {
  const layers = await pane.locator('[data-full-res-tiles]').all();
  return Promise.all(layers.map(async (l) => Number(await l.getAttribute('data-full-res-tiles'))));
}

async function tilesIn(pane: Locator): Promise<number> {
  return (await tilesPerPicture(pane)).reduce((a, b) => a + b, 0);
}

describe.sequential('compare view at full resolution in browser mode', () => {
  let session: PhotoSession;
  let studio: Studio;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    session = await openGeneratedPhoto('checker-square.png', W, H, original);
    ({ studio, page, errors } = session);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  }, 60_000);

  it('at 200 % the split and side-by-side panes show the original’s and each sample’s full-resolution pixels', async () => {
    // Fill the white square (with a margin) with two PatchMatch samples.
    const g = await stageGeometry(page);
    await page.keyboard.press('m');
    await drag(page, [toPage(g, SQUARE.x - 25, SQUARE.y - 25), toPage(g, SQUARE.x + SQUARE.width + 25, SQUARE.y + SQUARE.height + 25)]);
    await expect.poll(() => maskFilled(page)).toBeGreaterThan(0);
    await page.getByLabel('Method', { exact: true }).selectOption('patchmatch');
    await page.getByLabel('Samples', { exact: true }).fill('2');
    await page.getByRole('button', { name: 'Fill', exact: true }).click();
    const gallery = page.getByTestId('result-view');
    await gallery.and(page.locator('[data-finished="true"]')).or(page.getByRole('alert')).first().waitFor({ timeout: 120_000 });
    expect(await page.getByRole('alert').allTextContents(), 'error banners during the run').toEqual([]);
    await expect.poll(() => gallery.locator('[data-testid="gallery-tile"][data-state="done"]').count(), { timeout: 30_000 }).toBe(2);
    const runId = Number(await gallery.getAttribute('data-run-id'));

    // Split with the original: fitted, only the proxies are drawn.
    await page.getByTestId('gallery-tile').first().getByRole('button', { name: 'Compare' }).click();
    const view = page.getByTestId('compare-view');
    await expect.poll(() => view.getAttribute('data-mode')).toBe('split');
    const panes = page.getByTestId('compare-pane');
    const split = panes.first();
    const splitId = Number(await page.getByLabel('Sample to compare').inputValue());
    expect(await tilesIn(split)).toBe(0);
    const zoomTo200 = async (pane: Locator): Promise<void> => {
      await view.getByRole('button', { name: 'Fit', exact: true }).click();
      await view.getByRole('button', { name: '100 %', exact: true }).click();
      await expect.poll(async () => Number(await pane.getAttribute('data-view-scale'))).toBeCloseTo(1, 9);
      const box = (await pane.boundingBox())!;
      await wheelBurst(page, pane, box.x + box.width / 2, box.y + box.height / 2, 2, Math.SQRT2); // two notches of ×√2 in one frame
      await expect.poll(async () => Number(await pane.getAttribute('data-view-scale'))).toBeCloseTo(2, 6);
    };
    await zoomTo200(split);
    // The original and the sample each fetch their tiles; the split stays at 50 %, through the square.
    expect(await tilesPerPicture(split)).toHaveLength(2);
    await expect.poll(async () => (await tilesPerPicture(split)).every((n) => n > 0), { timeout: 30_000 }).toBe(true);
    const splitBox = (await split.boundingBox())!;
    const lineX = splitBox.width / 2;
    // Left of the line the original (white square still there); right of it the sample.
    // Outside the fill the sample is the original too, so this holds once every visible tile has arrived.
    await expect.poll(async () => (await matchShare(await shootPane(page, split), (ix, iy, sx) =>
      (sx < lineX - 3 || (sx > lineX + 3 && !inside(FILLED, ix, iy)) ? original(ix, iy) : null))).share,
    { timeout: 30_000 }).toBeGreaterThan(0.98);
    const splitShot = await shootPane(page, split);

    // Side by side: sample 1 | sample 2, in step.
    await page.getByRole('tab', { name: 'Side by side' }).click();
    await expect.poll(() => panes.count()).toBe(2);
    await zoomTo200(panes.nth(1));
    for (const n of ['data-view-scale', 'data-view-offset-x', 'data-view-offset-y']) {
      expect(await panes.nth(0).getAttribute(n)).toBe(await panes.nth(1).getAttribute(n));
    }
    for (let i = 0; i < 2; i++) await expect.poll(() => tilesIn(panes.nth(i)), { timeout: 30_000 }).toBeGreaterThan(0);
    // Let every visible tile arrive: the checkerboard around the fill is exact in both panes.
    for (let i = 0; i < 2; i++) {
      await expect.poll(async () => (await matchShare(await shootPane(page, panes.nth(i)), (ix, iy) => (inside(FILLED, ix, iy) ? null : original(ix, iy)))).share,
        { timeout: 30_000 }).toBeGreaterThan(0.98);
    }
    const sideShots = [await shootPane(page, panes.nth(0)), await shootPane(page, panes.nth(1))];
    const sideIds = [Number(await page.getByLabel('Sample to compare').inputValue()), Number(await page.getByLabel('Second sample').inputValue())];
    expect(sideIds[0]).toBe(splitId);
    expect(sideIds[1]).not.toBe(splitId);
    await page.keyboard.press('Escape');
    await expect.poll(() => view.count()).toBe(0);
    expect(errors).toEqual([]);

    // The truth for each sample: the version applying it makes, read at full resolution.
    const samples = (await studio.call('projects.get', { projectId: (await studio.call('projects.list', {}))[0]!.id })).runs.find((r) => r.id === runId)!.samples;
    const truthOf = new Map<number, Pixel>();
    for (const s of samples) {
      const applied = await studio.call('versions.apply', { runId, sampleIndex: s.index });
      const r = await studio.call('versions.region', { versionId: applied.project.headVersionId, ...CHECKED });
      truthOf.set(s.id, (ix, iy) => r.rgba[((iy - r.y) * r.width + ix - r.x) * 4]!);
    }
    const truth = sideIds.map((id) => truthOf.get(id)!);
    // The fill replaced the white square, so the sample panes cannot pass by showing the original.
    for (const t of truth) {
      let white = 0;
      for (let y = SQUARE.y; y < SQUARE.y + SQUARE.height; y++) for (let x = SQUARE.x; x < SQUARE.x + SQUARE.width; x++) if (t(x, y) === 255) white++;
      expect(white).toBeLessThan(0.75 * SQUARE.width * SQUARE.height);
    }
    const right = await matchShare(splitShot, (ix, iy, sx) => (sx > lineX + 3 ? truthOf.get(splitId)!(ix, iy) : null));
    expect(right.n).toBeGreaterThan(2000);
    expect(right.share).toBeGreaterThan(0.98);
    for (let i = 0; i < 2; i++) {
      const m = await matchShare(sideShots[i]!, (ix, iy) => truth[i]!(ix, iy));
      expect(m.n).toBeGreaterThan(4000);
      expect(m.share, `side-by-side pane ${i + 1}`).toBeGreaterThan(0.98);
    }
  }, 240_000);

  it('on a HiDPI screen (devicePixelRatio 2) “100 %” draws one photo pixel per device pixel, in the editor and the compare view', async () => {
    const RATIO = 2;
    const hiErrors: string[] = [];
    const hi = await openPhotoInEditor(studio, session.photo, hiErrors, { deviceScaleFactor: RATIO });
    expect(await hi.evaluate('window.devicePixelRatio')).toBe(RATIO);
    const outsideFill = (ix: number, iy: number): number | null => (inside(FILLED, ix, iy) ? null : original(ix, iy));
    /** A 400×240 CSS-pixel window centred on `el`: 800×480 device pixels around the square, which sits at the photo's centre. */
    const centreClip = async (el: Locator) => {
      const box = (await el.boundingBox())!;
      return { x: Math.round(box.width / 2 - 200), y: Math.round(box.height / 2 - 120), width: 400, height: 240 };
    };

    // The editor: Ctrl+1 is 100 %, a CSS scale of 1 / 2; the zoom readout says so.
    const stage = hi.getByTestId('stage-container');
    await hi.keyboard.press('Control+1');
    await expect.poll(async () => Number(await stage.getAttribute('data-view-scale'))).toBeCloseTo(1 / RATIO, 9);
    expect(await stage.locator('.stage-zoom').textContent()).toBe('100 %');
    await expect.poll(async () => Number(await stage.getAttribute('data-full-res-tiles')), { timeout: 30_000 }).toBeGreaterThan(0);
    const stageClip = await centreClip(stage);
    await expect.poll(async () => (await devicePixelMatch(hi, stage, stageClip, RATIO, outsideFill)).exact, { timeout: 30_000 }).toBeGreaterThan(0.98);
    const inEditor = await devicePixelMatch(hi, stage, stageClip, RATIO, outsideFill);
    expect(inEditor.n).toBeGreaterThan(100_000);
    expect(inEditor.alternating).toBeGreaterThan(0.98);

    // One PatchMatch sample of the square, then the split comparison at 100 %.
    await hi.keyboard.press('Control+0');
    const g = await stageGeometry(hi);
    await hi.keyboard.press('m');
    await drag(hi, [toPage(g, SQUARE.x - 25, SQUARE.y - 25), toPage(g, SQUARE.x + SQUARE.width + 25, SQUARE.y + SQUARE.height + 25)]);
    await expect.poll(() => maskFilled(hi)).toBeGreaterThan(0);
    await hi.getByLabel('Method', { exact: true }).selectOption('patchmatch');
    await hi.getByLabel('Samples', { exact: true }).fill('1');
    await hi.getByRole('button', { name: 'Fill', exact: true }).click();
    const gallery = hi.getByTestId('result-view');
    await gallery.and(hi.locator('[data-finished="true"]')).or(hi.getByRole('alert')).first().waitFor({ timeout: 120_000 });
    expect(await hi.getByRole('alert').allTextContents(), 'error banners during the run').toEqual([]);
    await expect.poll(() => gallery.locator('[data-testid="gallery-tile"][data-state="done"]').count(), { timeout: 30_000 }).toBe(1);
    await hi.getByTestId('gallery-tile').first().getByRole('button', { name: 'Compare' }).click();
    const view = hi.getByTestId('compare-view');
    await expect.poll(() => view.getAttribute('data-mode')).toBe('split');
    const pane = hi.getByTestId('compare-pane').first();
    await view.getByRole('button', { name: '100 %', exact: true }).click();
    await expect.poll(async () => (await tilesPerPicture(pane)).every((n) => n > 0), { timeout: 30_000 }).toBe(true);
    // Left of the split line the original, right of it the sample: the same checkerboard outside the fill.
    const lineX = (await pane.boundingBox())!.width / 2;
    const paneClip = await centreClip(pane);
    const beside = (ix: number, iy: number, cssX: number): number | null => (Math.abs(cssX - lineX) < 3 ? null : outsideFill(ix, iy));
    await expect.poll(async () => (await devicePixelMatch(hi, pane, paneClip, RATIO, beside)).exact, { timeout: 30_000 }).toBeGreaterThan(0.98);
    const inCompare = await devicePixelMatch(hi, pane, paneClip, RATIO, beside);
    expect(inCompare.n).toBeGreaterThan(100_000);
    expect(inCompare.alternating).toBeGreaterThan(0.98);
    expect(Number(await pane.getAttribute('data-view-scale'))).toBeCloseTo(1 / RATIO, 9);
    expect(hiErrors).toEqual([]);
  }, 240_000);
});
