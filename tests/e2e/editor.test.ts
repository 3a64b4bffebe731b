/**
 * The mask editor end to end in Chromium: rectangle, lasso (polygon and
 * freehand, adding and subtracting), fill bucket, invert, grow, undo/redo,
 * zoom and pan, mask files and the autosaved draft. Each gesture is checked
 * against the mask pixels it produced (the mask read back as the PNG the UI
 * saves), computed independently from the mouse positions.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { growMask } from '../../src/shared/mask-ops';
import { REPO_ROOT, startStudio, type Studio } from './harness';
import { downloadMask, drag, insidePolygon, maskFilled, shoelace, stageGeometry, toImage, toPage, waitReady, openPhotoInEditor, type StageGeometry } from './stage';

const SAMPLE = path.join(REPO_ROOT, 'assets', 'sample.jpg');
const SHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');

/** Pixels i with lo ≤ i + 0.5 < hi (the tools' pixel-centre rule). */
const centresIn = (lo: number, hi: number): number => Math.max(0, Math.ceil(hi - 0.5) - Math.ceil(lo - 0.5));

function mismatches(mask: { width: number; height: number; data: Uint8Array }, want: (x: number, y: number) => boolean): number {
  let n = 0;
  for (let y = 0; y < mask.height; y++) for (let x = 0; x < mask.width; x++) if ((mask.data[y * mask.width + x] === 1) !== want(x + 0.5, y + 0.5)) n++;
  return n;
}

describe.sequential('mask editor in browser mode', () => {
  let studio: Studio;
  let page: Page;
  let g: StageGeometry;
  const errors: string[] = [];

  beforeAll(async () => {
    studio = await startStudio();
    page = await openPhotoInEditor(studio, SAMPLE, errors);
    g = await stageGeometry(page);
  }, 120_000);

  afterAll(async () => {
    await studio?.close();
  }, 60_000);

  it('a rectangle fills exactly the pixels whose centres it spans; undo and redo restore it', async () => {
    await page.keyboard.press('m');
    expect(await page.getByTestId('stage-container').getAttribute('data-tool')).toBe('rectangle');
    const p0 = toPage(g, 200, 150), p1 = toPage(g, 520, 380);
    await drag(page, [p0, { x: (p0.x + p1.x) / 2, y: (p0.y + p1.y) / 2 }, p1]);
    const a = toImage(g, p0), b = toImage(g, p1);
    const want = centresIn(a.x, b.x) * centresIn(a.y, b.y);
    await expect.poll(() => maskFilled(page)).toBe(want);
    expect(await page.getByTestId('stage-container').getAttribute('data-mask-bounds'))
      .toBe(`${Math.ceil(a.x - 0.5)},${Math.ceil(a.y - 0.5)},${centresIn(a.x, b.x)},${centresIn(a.y, b.y)}`);
    await page.keyboard.press('Control+z');
    await expect.poll(() => maskFilled(page)).toBe(0);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => maskFilled(page)).toBe(want);
  });

  it('lasso: a polygon by clicks (Enter, then double-click) and a freehand loop subtracting with Alt', async () => {
    await page.keyboard.press('l');
    const rectOnly = await maskFilled(page);
    const tri = [toPage(g, 800, 120), toPage(g, 1150, 200), toPage(g, 900, 520)];
    for (const p of tri) await page.mouse.click(p.x, p.y);
    await page.keyboard.press('Enter');
    await expect.poll(() => maskFilled(page)).toBeGreaterThan(rectOnly);
    const withTriangle = await maskFilled(page);
    // A second polygon closed with a double-click on its last corner.
    const quad = [toPage(g, 1250, 600), toPage(g, 1450, 620), toPage(g, 1420, 850), toPage(g, 1270, 800)];
    for (const p of quad.slice(0, -1)) await page.mouse.click(p.x, p.y);
    await page.mouse.dblclick(quad[3]!.x, quad[3]!.y);
    await expect.poll(() => maskFilled(page)).toBeGreaterThan(withTriangle);

    const r0 = toImage(g, toPage(g, 200, 150)), r1 = toImage(g, toPage(g, 520, 380));
    const triImg = tri.map((p) => toImage(g, p)), quadImg = quad.map((p) => toImage(g, p));
    const inRect = (x: number, y: number): boolean => x >= r0.x && x < r1.x && y >= r0.y && y < r1.y;
    const mask = await downloadMask(page);
    expect([mask.width, mask.height]).toEqual([g.imageWidth, g.imageHeight]);
    // Pixel centres exactly on an edge may go either way; there are at most a few.
    expect(mismatches(mask, (x, y) => inRect(x, y) || insidePolygon(x, y, triImg) || insidePolygon(x, y, quadImg))).toBeLessThanOrEqual(4);

    // Freehand with Alt held: a loop inside the rectangle is cut out of the mask.
    const before = await maskFilled(page);
    const loop: { x: number; y: number }[] = [];
    for (let k = 0; k <= 48; k++) {
      const t = (2 * Math.PI * k) / 48;
      loop.push(toPage(g, 360 + 90 * Math.cos(t), 265 + 70 * Math.sin(t)));
    }
    await page.keyboard.down('Alt');
    await drag(page, loop);
    await page.keyboard.up('Alt');
    await expect.poll(() => maskFilled(page)).toBeLessThan(before);
    const hole = before - (await maskFilled(page));
    const area = shoelace(loop.map((p) => toImage(g, p)));
    expect(Math.abs(hole - area) / area).toBeLessThan(0.02);
  });

  it('fill bucket, invert and grow act on the connected regions and the whole mask, each one undo step', async () => {
    const total = g.imageWidth * g.imageHeight;
    const start = await maskFilled(page);
    await page.keyboard.press('Control+i');
    await expect.poll(() => maskFilled(page)).toBe(total - start);
    await page.keyboard.press('Control+z');
    await expect.poll(() => maskFilled(page)).toBe(start);

    // The bucket outside every shape fills the whole background but not the hole cut inside the rectangle.
    await page.keyboard.press('g');
    const outside = toPage(g, 60, 900);
    await page.mouse.click(outside.x, outside.y);
    const afterOutside = await expect.poll(() => maskFilled(page)).toBeGreaterThan(start).then(() => maskFilled(page));
    const holeCentre = toPage(g, 360, 265);
    await page.mouse.click(holeCentre.x, holeCentre.y);
    await expect.poll(() => maskFilled(page)).toBe(total);
    // Alt + bucket clears the connected masked area: everything.
    await page.keyboard.down('Alt');
    await page.mouse.click(outside.x, outside.y);
    await page.keyboard.up('Alt');
    await expect.poll(() => maskFilled(page)).toBe(0);
    for (let k = 0; k < 3; k++) await page.keyboard.press('Control+z');
    await expect.poll(() => maskFilled(page)).toBe(start);
    expect(afterOutside).toBeGreaterThan(start);

    // Grow by 6 px with the live preview, then apply: the result is the shared growMask of the mask before.
    const before = await downloadMask(page);
    const stage = page.getByTestId('stage-container');
    await page.getByLabel('Grow or shrink the mask (px)').fill('6');
    await expect.poll(() => stage.getAttribute('data-edge-preview')).toBe('true');
    await page.getByRole('button', { name: 'Apply grow' }).click();
    await expect.poll(() => stage.getAttribute('data-edge-preview')).toBe('false');
    await expect.poll(() => maskFilled(page)).toBeGreaterThan(start);
    const after = await downloadMask(page);
    const want = growMask(before.data.map((v) => v * 255), before.width, before.height, 6);
    let wrong = 0;
    for (let i = 0; i < want.length; i++) if ((want[i]! > 127 ? 1 : 0) !== after.data[i]) wrong++;
    expect(wrong).toBe(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => maskFilled(page)).toBe(start);
  });

  it('wheel zooms to the cursor, space-drag and the middle button pan, Fit and 100 % set the view', async () => {
    const stage = page.getByTestId('stage-container');
    const anchor = toPage(g, 700, 400);
    const imageAt = toImage(g, anchor);
    await page.mouse.move(anchor.x, anchor.y);
    await page.mouse.wheel(0, -400);
    await expect.poll(async () => Number(await stage.getAttribute('data-view-scale'))).toBeGreaterThan(g.scale * 1.5);
    const z = await stageGeometry(page);
    const stillAt = toImage(z, anchor);
    expect(Math.abs(stillAt.x - imageAt.x)).toBeLessThan(0.01);
    expect(Math.abs(stillAt.y - imageAt.y)).toBeLessThan(0.01);

    await page.keyboard.down('Space');
    await drag(page, [anchor, { x: anchor.x - 60, y: anchor.y - 30 }, { x: anchor.x - 120, y: anchor.y - 40 }]);
    await page.keyboard.up('Space');
    await expect.poll(async () => Number(await stage.getAttribute('data-view-offset-x'))).toBeCloseTo(z.offsetX - 120, 6);
    expect(Number(await stage.getAttribute('data-view-offset-y'))).toBeCloseTo(z.offsetY - 40, 6);
    // Panning never paints.
    expect(await maskFilled(page)).toBeGreaterThan(0);
    const filled = await maskFilled(page);
    await drag(page, [anchor, { x: anchor.x + 50, y: anchor.y + 10 }], { button: 'middle' });
    await expect.poll(async () => Number(await stage.getAttribute('data-view-offset-x'))).toBeCloseTo(z.offsetX - 70, 6);
    expect(await maskFilled(page)).toBe(filled);

    await page.getByRole('button', { name: '100 %' }).click();
    await expect.poll(async () => Number(await stage.getAttribute('data-view-scale'))).toBeCloseTo(1, 9);
    await page.keyboard.press('Control+0');
    await expect.poll(() => stage.getAttribute('data-view-fitted')).toBe('true');
    expect(Number(await stage.getAttribute('data-view-scale'))).toBeCloseTo(g.scale, 9);
  });

  it('holding O hides the overlay; ? lists the shortcuts; brush size steps with [ and ]', async () => {
    const stage = page.getByTestId('stage-container');
    await page.keyboard.down('o');
    await expect.poll(() => stage.getAttribute('data-overlay-visible')).toBe('false');
    await page.keyboard.up('o');
    await expect.poll(() => stage.getAttribute('data-overlay-visible')).toBe('true');
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard and mouse' });
    await help.waitFor();
    expect(await help.textContent()).toContain('Zoom to the cursor');
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);
    await page.keyboard.press('b');
    const size = page.getByRole('toolbar').locator('output');
    const r = Number(/(\d+)/.exec((await size.textContent()) ?? '')?.[1]);
    await page.keyboard.press('[');
    await expect.poll(async () => Number(/(\d+)/.exec((await size.textContent()) ?? '')?.[1])).toBeLessThan(r);
    await page.keyboard.press(']');
  });

  it('pen pressure scales the brush: a light pen stroke covers the capsule of the pressure radius', async () => {
    await page.keyboard.press('b');
    const radius = Number(/(\d+) px/.exec((await page.getByRole('toolbar').locator('output').textContent()) ?? '')?.[1]);
    const before = await maskFilled(page);
    const cdp = await page.context().newCDPSession(page);
    const a = toPage(g, 300, 880), b = toPage(g, 700, 880);
    const send = (type: 'mousePressed' | 'mouseMoved' | 'mouseReleased', x: number): Promise<unknown> =>
      cdp.send('Input.dispatchMouseEvent', { type, x, y: a.y, button: 'left', buttons: type === 'mouseReleased' ? 0 : 1, clickCount: 1, pointerType: 'pen', force: 0.2 });
    await send('mousePressed', a.x);
    for (let k = 1; k <= 20; k++) await send('mouseMoved', a.x + ((b.x - a.x) * k) / 20);
    await send('mouseReleased', b.x);
    await expect.poll(() => maskFilled(page)).toBeGreaterThan(before);
    // The brush maps pressure p to radius·(0.15 + 0.85·p): 0.32 of the size at p = 0.2.
    const r = radius * (0.15 + 0.85 * 0.2);
    const length = toImage(g, b).x - toImage(g, a).x;
    const want = 2 * r * length + Math.PI * r * r;
    const got = (await maskFilled(page)) - before;
    expect(Math.abs(got - want) / want).toBeLessThan(0.05);
    await page.keyboard.press('Control+z');
    await expect.poll(() => maskFilled(page)).toBe(before);
  });

  it('loads a mask PNG (one undo step), refuses one of the wrong size, and takes a screenshot', async () => {
    const W = g.imageWidth, H = g.imageHeight;
    const raw = Buffer.alloc(W * H);
    for (let y = 100; y < 300; y++) raw.fill(255, y * W + 1000, y * W + 1300);
    const png = await sharp(raw, { raw: { width: W, height: H, channels: 1 } }).png().toBuffer();
    const before = await maskFilled(page);
    await page.locator('input[aria-label="Mask PNG file"]').setInputFiles({ name: 'm.png', mimeType: 'image/png', buffer: png });
    await expect.poll(() => maskFilled(page)).toBe(300 * 200);
    await page.keyboard.press('Control+z');
    await expect.poll(() => maskFilled(page)).toBe(before);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => maskFilled(page)).toBe(300 * 200);

    const small = await sharp(Buffer.alloc(100 * 50), { raw: { width: 100, height: 50, channels: 1 } }).png().toBuffer();
    await page.locator('input[aria-label="Mask PNG file"]').setInputFiles({ name: 'small.png', mimeType: 'image/png', buffer: small });
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('100×50');
    await alert.getByRole('button', { name: 'Dismiss message' }).click();
    expect(await maskFilled(page)).toBe(300 * 200);

    // A lasso in progress over the mask, for the README.
    await page.keyboard.press('l');
    for (const [x, y] of [[300, 500], [700, 470], [760, 800]] as const) {
      const p = toPage(g, x, y);
      await page.mouse.click(p.x, p.y);
    }
    const hover = toPage(g, 350, 820);
    await page.mouse.move(hover.x, hover.y);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'editor.png') });
    await page.keyboard.press('Escape');
  });

  it('autosaves the mask as a draft and restores it when the project is reopened', async () => {
    const filled = await maskFilled(page);
    const status = page.getByTestId('draft-status');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 15_000 }).toBe('saved');
    const projects = await studio.call('projects.list', {});
    const draft = await studio.call('masks.getDraft', { projectId: projects[0]!.id });
    expect(draft?.versionId).toBe(projects[0]!.headVersionId);
    await page.reload();
    await page.getByTestId('project-item').first().click();
    await waitReady(page);
    await expect.poll(() => status.getAttribute('data-state')).toBe('restored');
    expect(await maskFilled(page)).toBe(filled);
    // The restored draft is the starting point: nothing to undo.
    expect(await page.getByRole('button', { name: 'Undo' }).isDisabled()).toBe(true);
    // Emptying the mask clears the draft.
    await page.getByRole('button', { name: 'Clear mask' }).click();
    await expect.poll(async () => studio.call('masks.getDraft', { projectId: projects[0]!.id }), { timeout: 15_000 }).toBeNull();
    expect(errors).toEqual([]);
  });
});
