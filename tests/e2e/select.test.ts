/**
 * Semantic selection in the editor: "Select all" people on a portrait gives a
 * mask close to the hand-made reference, subtracting removes it again, and a
 * fill then runs on the selection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { REPO_ROOT, startStudio, type Studio } from './harness';
import { downloadMask, maskFilled, stageGeometry, toPage, waitReady } from './stage';

const PORTRAIT = path.join(REPO_ROOT, 'tests', 'fixtures', 'segmentation', 'grace_hopper.jpg');
const REFERENCE = path.join(REPO_ROOT, 'tests', 'fixtures', 'segmentation', 'grace_hopper.mask.png');

let studio: Studio;
let page: Page;

beforeAll(async () => {
  studio = await startStudio();
  page = await studio.newPage();
}, 120_000);
afterAll(async () => { await studio?.close(); });

describe('select all people', () => {
  it('selects the person close to the reference, subtracts it, and fills a selection', async () => {
    await page.goto(studio.url);
    await page.locator('input[aria-label="Photo file"]').setInputFiles(PORTRAIT);
    await waitReady(page);
    await page.getByLabel('Objects', { exact: true }).selectOption('person');
    await page.getByRole('button', { name: 'Select all' }).click();
    await expect.poll(() => maskFilled(page), { timeout: 90_000 }).toBeGreaterThan(0);

    const mask = await downloadMask(page);
    const { data, info } = await sharp(await readFile(REFERENCE)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    expect([mask.width, mask.height]).toEqual([info.width, info.height]);
    let inter = 0, union = 0, refArea = 0;
    for (let i = 0; i < mask.data.length; i++) {
      const a = mask.data[i] === 1, b = data[i]! > 127;
      if (a && b) inter++;
      if (a || b) union++;
      if (b) refArea++;
    }
    // The selection is grown by a small margin on purpose, so it covers the reference and a little more.
    expect(inter / refArea).toBeGreaterThan(0.95);
    expect(inter / union).toBeGreaterThan(0.8);

    await page.getByLabel('subtract from the mask').check();
    await page.getByRole('button', { name: 'Select all' }).click();
    await expect.poll(() => maskFilled(page), { timeout: 90_000 }).toBe(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => maskFilled(page)).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'Fill', exact: true }).click();
    await expect.poll(async () => (await studio.call('projects.list', {}))[0]!.id, { timeout: 10_000 }).toBeGreaterThan(0);
    const projectId = (await studio.call('projects.list', {}))[0]!.id;
    await expect.poll(async () => (await studio.call('projects.get', { projectId })).runs[0]?.status, { timeout: 120_000 }).toBe('done');
  }, 300_000);

  it('click-to-select takes the object under the click; Alt-click removes it', async () => {
    // The mask still holds the person selected in the test above.
    const before = await maskFilled(page);
    await page.keyboard.press('s');
    const g = await stageGeometry(page);
    // the centre of the reference person's bounding box
    const { data, info } = await sharp(await readFile(REFERENCE)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    let sx = 0, sy = 0, n = 0;
    for (let y = 0; y < info.height; y++) for (let x = 0; x < info.width; x++) if (data[y * info.width + x]! > 127) { sx += x; sy += y; n++; }
    const at = toPage(g, sx / n, sy / n);
    await page.keyboard.down('Alt');
    await page.mouse.click(at.x, at.y);
    await page.keyboard.up('Alt');
    expect(before).toBeGreaterThan(n * 0.9);
    await expect.poll(() => maskFilled(page), { timeout: 90_000 }).toBeLessThan(before * 0.1);
    await page.mouse.click(at.x, at.y);
    await expect.poll(() => maskFilled(page), { timeout: 90_000 }).toBeGreaterThan(n * 0.9);
  }, 240_000);

  it('dragging a box with the select tool takes the object inside it', async () => {
    const { data, info } = await sharp(await readFile(REFERENCE)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    let x0 = info.width, y0 = info.height, x1 = 0, y1 = 0, n = 0;
    for (let y = 0; y < info.height; y++) for (let x = 0; x < info.width; x++) if (data[y * info.width + x]! > 127) {
      x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); n++;
    }
    await page.getByRole('button', { name: 'Clear mask' }).click();
    await expect.poll(() => maskFilled(page)).toBe(0);
    await page.keyboard.press('s');
    const g = await stageGeometry(page);
    const a = toPage(g, Math.max(0, x0 - 10), Math.max(0, y0 - 10));
    const b = toPage(g, Math.min(info.width - 1, x1 + 10), Math.min(info.height - 1, y1 + 10));
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
    await page.mouse.move(b.x, b.y, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => maskFilled(page), { timeout: 90_000 }).toBeGreaterThan(n * 0.8);
    // and nothing far outside the box
    const mask = await downloadMask(page);
    let outside = 0;
    for (let y = 0; y < mask.height; y++) for (let x = 0; x < mask.width; x++) {
      if (mask.data[y * mask.width + x] && (x < x0 - 40 || x > x1 + 40 || y < y0 - 40 || y > y1 + 40)) outside++;
    }
    expect(outside).toBe(0);
  }, 240_000);
});
