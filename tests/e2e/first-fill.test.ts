/**
 * The first fill, end to end in real Chromium against the real browser-mode
 * server: import the sample photo, paint a stroke, fill, apply, and find the
 * new version again after a reload.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startStudio, type Studio } from './harness';
import { stageGeometry, type StageGeometry } from './stage';

const SAMPLE = path.join(REPO_ROOT, 'assets', 'sample.jpg');
const SCREENSHOT = path.join(REPO_ROOT, 'docs', 'screenshots', 'first-fill.png');

/** The stage geometry plus the brush radius shown in the toolbar. */
async function stageWithRadius(page: Page): Promise<StageGeometry & { readonly radius: number }> {
  return {
    ...(await stageGeometry(page)),
    radius: Number(/(\d+) px/.exec((await page.getByRole('toolbar').locator('output').textContent()) ?? '')?.[1]),
  };
}

/** Mean RGB of a small screen square, from a real screenshot. */
async function meanColour(page: Page, x: number, y: number): Promise<[number, number, number]> {
  const png = await page.screenshot({ clip: { x: x - 3, y: y - 3, width: 6, height: 6 } });
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const sum = [0, 0, 0];
  for (let i = 0; i < data.length; i += info.channels) for (let c = 0; c < 3; c++) sum[c]! += data[i + c]!;
  const n = data.length / info.channels;
  return [sum[0]! / n, sum[1]! / n, sum[2]! / n];
}

function parseBounds(attr: string | null): { x: number; y: number; width: number; height: number } | null {
  if (!attr) return null;
  const [x, y, width, height] = attr.split(',').map(Number);
  return { x: x!, y: y!, width: width!, height: height! };
}

describe.sequential('first fill in browser mode', () => {
  let studio: Studio;

  beforeAll(async () => {
    studio = await startStudio();
  }, 120_000);

  afterAll(async () => {
    await studio?.close();
  }, 60_000);

  it('imports, paints, fills, applies, and keeps the version across a reload', async () => {
    const page = await studio.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(e.message));

    await page.goto(studio.url);
    await expect.poll(() => page.url()).not.toContain('token=');
    await page.getByRole('heading', { name: 'Inpaint Studio' }).waitFor();
    expect(await page.getByTestId('project-item').count()).toBe(0);

    await page.locator('input[type=file]').setInputFiles(SAMPLE);
    const stage = page.getByTestId('stage-container');
    await stage.and(page.locator('[data-ready="true"]')).waitFor({ timeout: 60_000 });
    expect(await page.getByRole('button', { name: 'Fill', exact: true }).isDisabled()).toBe(true);

    // Paint a stroke across the middle of the photo: from 35 % to 60 % of the width.
    const g = await stageWithRadius(page);
    const toScreen = (ix: number, iy: number) => ({ x: g.box.x + g.offsetX + ix * g.scale, y: g.box.y + g.offsetY + iy * g.scale });
    const from = toScreen(g.imageWidth * 0.35, g.imageHeight * 0.45);
    const to = toScreen(g.imageWidth * 0.6, g.imageHeight * 0.5);
    const gesture: { x: number; y: number }[] = [];
    for (let i = 0; i <= 20; i++) gesture.push({ x: Math.round(from.x + ((to.x - from.x) * i) / 20), y: Math.round(from.y + ((to.y - from.y) * i) / 20) });
    const middle = gesture[10]!;
    const beforeColour = await meanColour(page, middle.x, middle.y);
    await page.mouse.move(gesture[0]!.x, gesture[0]!.y);
    await page.mouse.down();
    for (const p of gesture.slice(1)) await page.mouse.move(p.x, p.y);
    await page.mouse.up();

    // The overlay is drawn: the stroke's middle turned redder on screen (50 % red over the photo).
    await page.mouse.move(g.box.x + 2, g.box.y + 2); // keep the brush cursor out of the sample
    const afterColour = await meanColour(page, middle.x, middle.y);
    expect(afterColour[0] - (afterColour[1] + afterColour[2]) / 2).toBeGreaterThan(beforeColour[0] - (beforeColour[1] + beforeColour[2]) / 2 + 40);

    // The mask holds the stroke at image resolution: its bounds are the stroke's
    // image-space extent (screen path mapped back independently) grown by the radius.
    await expect.poll(async () => Number(await stage.getAttribute('data-mask-filled'))).toBeGreaterThan(0);
    const mask = parseBounds(await stage.getAttribute('data-mask-bounds'))!;
    const img = gesture.map((p) => ({ x: (p.x - g.box.x - g.offsetX) / g.scale, y: (p.y - g.box.y - g.offsetY) / g.scale }));
    const want = {
      x0: Math.min(...img.map((p) => p.x)) - g.radius, x1: Math.max(...img.map((p) => p.x)) + g.radius,
      y0: Math.min(...img.map((p) => p.y)) - g.radius, y1: Math.max(...img.map((p) => p.y)) + g.radius,
    };
    // The stroke is a straight line, so its area is the capsule's: 2rL + πr².
    const length = Math.hypot(img.at(-1)!.x - img[0]!.x, img.at(-1)!.y - img[0]!.y);
    const capsuleArea = 2 * g.radius * length + Math.PI * g.radius ** 2;
    const filled = Number(await stage.getAttribute('data-mask-filled'));
    expect(Math.abs(filled - capsuleArea) / capsuleArea).toBeLessThan(0.03);
    const tolerance = 1.5 + 1 / g.scale; // pixel-centre rule, plus sub-pixel mouse positions
    expect(Math.abs(mask.x - want.x0)).toBeLessThan(tolerance);
    expect(Math.abs(mask.x + mask.width - want.x1)).toBeLessThan(tolerance);
    expect(Math.abs(mask.y - want.y0)).toBeLessThan(tolerance);
    expect(Math.abs(mask.y + mask.height - want.y1)).toBeLessThan(tolerance);

    // Undo and redo the stroke (one undo step).
    await page.keyboard.press('Control+z');
    await expect.poll(async () => Number(await stage.getAttribute('data-mask-filled'))).toBe(0);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(async () => await stage.getAttribute('data-mask-bounds')).toBe(`${mask.x},${mask.y},${mask.width},${mask.height}`);

    // Fill with PatchMatch (fast and deterministic on CPU) and wait for the result.
    await page.getByLabel('Method').selectOption('patchmatch');
    const fill = page.getByRole('button', { name: 'Fill', exact: true });
    const progressShown = page.getByTestId('fill-progress').waitFor({ state: 'attached', timeout: 60_000 });
    await fill.click();
    await progressShown;
    const result = page.getByTestId('result-view');
    const apply = result.getByRole('button', { name: 'Apply sample 1' });
    // Either the result arrives or an error banner says why not.
    await apply.and(page.locator(':enabled')).or(page.getByRole('alert')).first().waitFor({ timeout: 120_000 });
    const alerts = await page.getByRole('alert').allTextContents();
    expect(alerts, 'error banners after Fill').toEqual([]);
    await result.locator('img').first().evaluate((el) => (el as unknown as { decode(): Promise<void> }).decode());

    const projects = await studio.call('projects.list', {});
    expect(projects).toHaveLength(1);
    const detail = await studio.call('projects.get', { projectId: projects[0]!.id });
    expect(detail.image.width).toBe(g.imageWidth);
    expect(detail.image.height).toBe(g.imageHeight);
    expect(detail.runs).toHaveLength(1);
    const run = detail.runs[0]!;
    expect(run.status).toBe('done');
    expect(run.samples.length).toBeGreaterThanOrEqual(1);
    const s = run.samples[0]!;
    // The sample may change only pixels in its box; that box must cover the painted stroke.
    expect(s.x).toBeLessThanOrEqual(mask.x);
    expect(s.y).toBeLessThanOrEqual(mask.y);
    expect(s.x + s.width).toBeGreaterThanOrEqual(mask.x + mask.width);
    expect(s.y + s.height).toBeGreaterThanOrEqual(mask.y + mask.height);

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    // The sample can be viewed large on the canvas (mask hidden, painting off) and back.
    await result.getByRole('button', { name: 'View large' }).first().click();
    await expect.poll(async () => (await page.locator('.stage-badge').count())).toBe(1);
    await stage.and(page.locator('[data-ready="true"]')).waitFor();
    await result.getByRole('button', { name: 'Show mask' }).click();
    await expect.poll(async () => (await page.locator('.stage-badge').count())).toBe(0);

    // Apply: a new head version appears at the top of the list.
    await apply.click();
    const items = page.getByTestId('version-item');
    await expect.poll(() => items.count(), { timeout: 60_000 }).toBe(2);
    const newest = items.first();
    expect(await newest.getAttribute('data-head')).toBe('true');
    const newVersionId = Number(await newest.getAttribute('data-version-id'));
    const after = await studio.call('projects.get', { projectId: detail.project.id });
    expect(after.project.headVersionId).toBe(newVersionId);
    expect(after.versions.find((v) => v.id === newVersionId)?.sampleId).toBe(s.id);

    // The export link serves the full-resolution file.
    const href = await page.getByRole('link', { name: 'Export' }).getAttribute('href');
    expect(href).toContain(`/files/version-full/${newVersionId}`);
    const exported = await fetch(new URL(href!, studio.origin));
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^image\//);
    expect(exported.headers.get('content-disposition')).toMatch(/attachment; filename=/);

    // Reload: the token survives in the session; the project and its new version are found again.
    await page.reload();
    await page.getByTestId('project-item').first().click();
    await page.getByTestId('version-item').nth(1).waitFor();
    expect(await page.getByTestId('version-item').count()).toBe(2);
    const head = page.locator('[data-testid="version-item"][data-head="true"]');
    expect(Number(await head.getAttribute('data-version-id'))).toBe(newVersionId);
    await stage.and(page.locator('[data-ready="true"]')).waitFor({ timeout: 60_000 });

    expect(await page.getByRole('alert').count()).toBe(0);
    expect(consoleErrors).toEqual([]);
  }, 180_000);

  it('shows a dismissible error for a corrupt photo and keeps working; shortcuts drive the tools', async () => {
    const page = await studio.newPage();
    await page.goto(studio.url);
    await page.getByTestId('project-item').first().waitFor();
    await page.locator('input[type=file]').setInputFiles({ name: 'broken.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('this is not a JPEG') });
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    expect((await alert.textContent())?.length).toBeGreaterThan(5);
    await alert.getByRole('button', { name: 'Dismiss message' }).click();
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);

    await page.getByTestId('project-item').first().click();
    const stage = page.getByTestId('stage-container');
    await stage.and(page.locator('[data-ready="true"]')).waitFor({ timeout: 60_000 });
    const size = page.getByRole('toolbar').locator('output');
    const before = Number(/(\d+)/.exec((await size.textContent()) ?? '')?.[1]);
    await page.keyboard.press(']');
    await expect.poll(async () => Number(/(\d+)/.exec((await size.textContent()) ?? '')?.[1])).toBeGreaterThan(before);
    await page.keyboard.press('e');
    expect(await page.getByRole('button', { name: 'Eraser' }).getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('b');
    expect(await page.getByRole('button', { name: 'Brush' }).getAttribute('aria-pressed')).toBe('true');
  }, 120_000);

  it('rejects a wrong token with 401 and the UI keeps working', async () => {
    const res = await fetch(`${studio.origin}/api/projects.list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-studio-token': 'wrong-token' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });

    const page = await studio.newPage();
    await page.goto(studio.url);
    await page.getByTestId('project-item').first().waitFor();
    const status = await page.evaluate(async () => {
      const r = await fetch('/api/projects.list', { method: 'POST', headers: { 'content-type': 'application/json', 'x-studio-token': 'wrong-token' }, body: '{}' });
      return r.status;
    });
    expect(status).toBe(401);
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.getByTestId('project-item').first().click();
    await page.getByTestId('stage-container').and(page.locator('[data-ready="true"]')).waitFor({ timeout: 60_000 });

    // A page opened with a wrong token is refused by the server outright.
    const stranger = await studio.newPage();
    const refused = await stranger.goto(`${studio.origin}/?token=wrong-token`);
    expect(refused?.status()).toBe(401);
  }, 120_000);
});
