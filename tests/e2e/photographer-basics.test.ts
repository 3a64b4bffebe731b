/**
 * Photographer basics end to end in Chromium: one-click spot heal on a
 * synthetic photo with dark dust dots (the new versions' pixels are read back
 * at full resolution: the dots take their surroundings' tone, everything
 * beyond the healed discs is byte-identical, the painted mask survives), the
 * "visualise spots" view, and an exclusion mask painted on its own layer that
 * travels with the fill request and the autosaved draft.
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MaskRegion } from '../../src/shared/api';
import { filePath, fromWireJson } from '../../src/shared/wire';
import { REPO_ROOT, startStudio, type Studio } from './harness';
import { drag, maskFilled, openPhotoInEditor, stageGeometry, toImage, toPage, type StageGeometry } from './stage';

const SHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');
const W = 900, H = 600;
const DOTS = [{ x: 300.5, y: 250.5 }, { x: 620.5, y: 380.5 }];
const DOT_RADIUS = 5;
const HEAL_RADIUS = 12;
/** Smooth, gently textured background (what a clean sensor would have recorded). */
const background = (x: number, y: number, c: number): number => Math.round(110 + 30 * Math.sin(x / 41 + c) + 20 * Math.cos(y / 29 + 2 * c) + 0.05 * x);
const inDot = (x: number, y: number): boolean => DOTS.some((d) => (x + 0.5 - d.x) ** 2 + (y + 0.5 - d.y) ** 2 <= DOT_RADIUS ** 2);

async function syntheticPhoto(file: string): Promise<Uint8Array> {
  const data = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) data[(y * W + x) * 3 + c] = inDot(x, y) ? 18 : background(x, y, c);
  await sharp(data, { raw: { width: W, height: H, channels: 3 } }).png().toFile(file);
  return data;
}

async function versionPixels(studio: Studio, id: number): Promise<Buffer> {
  const res = await fetch(`${studio.origin}${filePath({ kind: 'version-full', id })}?token=${encodeURIComponent(studio.token)}`);
  expect(res.status).toBe(200);
  const { data, info } = await sharp(Buffer.from(await res.arrayBuffer())).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  expect([info.width, info.height, info.channels]).toEqual([W, H, 3]);
  return data;
}

describe.sequential('photographer basics in browser mode', () => {
  let studio: Studio;
  let page: Page;
  let g: StageGeometry;
  let dir = '';
  let original: Uint8Array;
  let projectId = 0;
  const errors: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'spot-e2e-'));
    const photo = path.join(dir, 'dusty.png');
    original = await syntheticPhoto(photo);
    studio = await startStudio();
    page = await openPhotoInEditor(studio, photo, errors);
    g = await stageGeometry(page);
    projectId = (await studio.call('projects.list', {}))[0]!.id;
  }, 120_000);

  afterAll(async () => {
    await studio?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('visualise spots lights up the dust dots and not the smooth background', async () => {
    await page.keyboard.press('v');
    const stage = page.getByTestId('stage-container');
    await expect.poll(() => stage.getAttribute('data-spot-view'), { timeout: 30_000 }).toBe('true');
    const lum = async (ix: number, iy: number): Promise<number> => {
      const p = toPage(g, ix, iy);
      const png = await page.screenshot({ clip: { x: p.x - 1, y: p.y - 1, width: 3, height: 3 } });
      const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      let s = 0;
      for (const v of data) s += v;
      return s / data.length;
    };
    // Overlay off for the reading (hold-to-see-original is not needed: the mask is empty).
    for (const d of DOTS) expect(await lum(d.x, d.y)).toBeGreaterThan(200);
    expect(await lum(150, 450)).toBeLessThan(110);
    expect(await lum(760, 120)).toBeLessThan(110);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'visualise-spots.png') });
    await page.keyboard.press('v');
    await expect.poll(() => stage.getAttribute('data-spot-view')).toBe('false');
  });

  it('one click per dot heals it at once: new versions, no gallery, far pixels byte-identical, the painted mask kept', async () => {
    // A painted fill mask that the heals must leave alone.
    await page.keyboard.press('m');
    await drag(page, [toPage(g, 60, 60), toPage(g, 120, 100), toPage(g, 160, 140)]);
    await expect.poll(() => maskFilled(page)).toBeGreaterThan(0);
    const painted = await maskFilled(page);
    // Its autosaved draft, on the version the heals start from.
    await expect.poll(() => page.getByTestId('draft-status').getAttribute('data-state'), { timeout: 15_000 }).toBe('saved');
    const drafted = (await studio.call('masks.getDraft', { projectId }))!;

    await page.keyboard.press('j');
    expect(await page.getByTestId('stage-container').getAttribute('data-tool')).toBe('heal');
    await page.getByLabel('Brush radius in image pixels').fill(String(HEAL_RADIUS));
    await expect.poll(async () => page.getByRole('toolbar').getByText(/^\d+ px$/).textContent()).toBe(`${HEAL_RADIUS} px`);
    // Two clicks in quick succession: the second heals the version the first one makes.
    const clicks = DOTS.map((d) => toPage(g, d.x, d.y));
    for (const c of clicks) await page.mouse.click(c.x, c.y);
    const centres = clicks.map((c) => toImage(g, c));
    await expect.poll(async () => (await studio.call('projects.get', { projectId })).versions.length, { timeout: 60_000 }).toBe(3);
    await expect.poll(() => page.getByTestId('heal-pending').count(), { timeout: 30_000 }).toBe(0);
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);
    const detail = await studio.call('projects.get', { projectId });
    const head = detail.versions.find((v) => v.id === detail.project.headVersionId)!;
    expect(head.sampleId).not.toBeNull();
    const healRuns = detail.runs.filter((r) => r.purpose === 'spot-heal');
    expect(healRuns).toHaveLength(2);
    expect(healRuns.map((r) => [r.params.method, r.params.samples])).toEqual([['patchmatch', 1], ['patchmatch', 1]]);
    expect(head.label).toBe('Spot heal');
    // Each heal started from the version the previous one made: root -> first heal -> second heal (head).
    const root = detail.versions.find((v) => v.parentId === null)!;
    expect(healRuns.map((r) => r.baseVersionId).sort((x, y) => x - y)).toEqual([root.id, head.parentId]);
    // The editor moved to the new head without opening the gallery, and kept the painted mask.
    await expect.poll(() => page.locator('[data-testid="version-item"][data-head="true"]').getAttribute('data-version-id')).toBe(String(head.id));
    expect(await page.getByTestId('result-view').count()).toBe(0);
    await expect.poll(() => maskFilled(page)).toBe(painted);
    // The draft followed the heals to the head, as saved (same box, same PNG).
    expect(await studio.call('masks.getDraft', { projectId })).toEqual({ ...drafted, versionId: head.id });

    const healed = await versionPixels(studio, head.id);
    let far = 0, farChanged = 0, dotErr = 0, dotN = 0, darkLeft = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const near = centres.some((c) => (x + 0.5 - c.x) ** 2 + (y + 0.5 - c.y) ** 2 <= (HEAL_RADIUS + 1) ** 2);
      for (let c = 0; c < 3; c++) {
        const i = (y * W + x) * 3 + c;
        if (!near) { far++; if (healed[i] !== original[i]) farChanged++; }
        if (inDot(x, y)) { dotN++; dotErr += Math.abs(healed[i]! - background(x, y, c)); if (healed[i]! < 50) darkLeft++; }
      }
    }
    expect(far).toBeGreaterThan(W * H * 3 * 0.9);
    expect(farChanged).toBe(0);
    expect(darkLeft).toBe(0);
    // The dots now carry the surroundings' tone (mean error against the clean background, 0..255).
    expect(dotErr / dotN).toBeLessThan(12);

    // It is an ordinary version: revert brings the dusty pixels back as a new head.
    const reverted = await studio.call('versions.revert', { versionId: detail.versions.find((v) => v.parentId === null)!.id });
    const back = await versionPixels(studio, reverted.project.headVersionId);
    expect(Buffer.compare(back, Buffer.from(original))).toBe(0);
    await page.reload();
    await page.getByTestId('project-item').first().click();
    await page.getByTestId('stage-container').and(page.locator('[data-ready="true"]')).waitFor({ timeout: 60_000 });
  }, 180_000);

  it('the exclusion layer is painted apart from the fill mask, sent with the fill and kept in the draft', async () => {
    g = await stageGeometry(page);
    const layer = page.getByTestId('mask-layer');
    await page.getByRole('radio', { name: 'Protect from sampling' }).click();
    await expect.poll(() => layer.getAttribute('data-layer')).toBe('exclusion');
    const fillBefore = Number(await layer.getAttribute('data-fill-filled'));
    await page.keyboard.press('m');
    const p0 = toPage(g, 500, 100), p1 = toPage(g, 700, 200);
    await drag(page, [p0, { x: (p0.x + p1.x) / 2, y: (p0.y + p1.y) / 2 }, p1]);
    await expect.poll(async () => Number(await layer.getAttribute('data-exclusion-filled'))).toBeGreaterThan(0);
    const excluded = Number(await layer.getAttribute('data-exclusion-filled'));
    expect(Number(await layer.getAttribute('data-fill-filled'))).toBe(fillBefore);
    const a = toImage(g, p0), b = toImage(g, p1);
    const centresIn = (lo: number, hi: number): number => Math.max(0, Math.ceil(hi - 0.5) - Math.ceil(lo - 0.5));
    expect(excluded).toBe(centresIn(a.x, b.x) * centresIn(a.y, b.y));

    // Back on the fill layer, paint a hole and fill: the request carries the exclusion as the PNG of its bounding box.
    await page.keyboard.press('x');
    await expect.poll(() => layer.getAttribute('data-layer')).toBe('fill');
    await drag(page, [toPage(g, 400, 300), toPage(g, 440, 340)]);
    await expect.poll(async () => Number(await layer.getAttribute('data-fill-filled'))).toBeGreaterThan(0);
    const sent = page.waitForRequest((r) => r.url().includes('/api/jobs.inpaint'));
    await page.getByLabel('Method', { exact: true }).selectOption('patchmatch');
    await page.getByRole('button', { name: 'Fill', exact: true }).click();
    const body = fromWireJson((await sent).postData() ?? '') as { exclusion?: MaskRegion; mask: MaskRegion };
    const sentExclusion = body.exclusion!;
    expect(sentExclusion.png).toBeInstanceOf(Uint8Array);
    expect(body.mask.png).toBeInstanceOf(Uint8Array);
    const { data, info } = await sharp(Buffer.from(sentExclusion.png)).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([sentExclusion.width, sentExclusion.height]);
    // The painted rectangle is its own bounding box: every pixel of the PNG is in it.
    expect(sentExclusion.width * sentExclusion.height).toBe(excluded);
    expect(sentExclusion.x + sentExclusion.width <= W && sentExclusion.y + sentExclusion.height <= H).toBe(true);
    let white = 0, outside = 0;
    for (let y = 0; y < sentExclusion.height; y++) for (let x = 0; x < sentExclusion.width; x++) {
      if (data[y * sentExclusion.width + x]! <= 127) continue;
      white++;
      const px = sentExclusion.x + x + 0.5, py = sentExclusion.y + y + 0.5;
      if (!(px >= a.x && px < b.x && py >= a.y && py < b.y)) outside++;
    }
    expect([white, outside]).toEqual([excluded, 0]);
    await page.screenshot({ path: path.join(SHOTS, 'protect-from-sampling.png') });
    await page.getByTestId('result-view').and(page.locator('[data-finished="true"]')).waitFor({ timeout: 120_000 });
    expect(await page.getByRole('alert').allTextContents()).toEqual([]);

    // The autosaved draft holds both layers, each as its bounding box: the exclusion's is the painted rectangle, as sent with the fill.
    await expect.poll(async () => (await studio.call('masks.getDraft', { projectId }))?.exclusion?.png.length ?? 0, { timeout: 15_000 }).toBeGreaterThan(0);
    const draft = (await studio.call('masks.getDraft', { projectId }))!;
    const { png: draftPng, ...draftBox } = draft.exclusion!;
    expect(draftBox).toEqual({ x: sentExclusion.x, y: sentExclusion.y, width: sentExclusion.width, height: sentExclusion.height });
    const ex = await sharp(Buffer.from(draftPng)).extractChannel(0).raw().toBuffer();
    let n = 0;
    for (const v of ex) if (v > 127) n++;
    expect(n).toBe(excluded);
    // Reopened, the editor restores both layers from the draft.
    const fillDrawn = Number(await layer.getAttribute('data-fill-filled'));
    await page.reload();
    await page.getByTestId('project-item').first().click();
    await page.getByTestId('stage-container').and(page.locator('[data-ready="true"]')).waitFor({ timeout: 60_000 });
    await expect.poll(async () => Number(await page.getByTestId('mask-layer').getAttribute('data-exclusion-filled')), { timeout: 15_000 }).toBe(excluded);
    expect(Number(await page.getByTestId('mask-layer').getAttribute('data-fill-filled'))).toBe(fillDrawn);
    expect(errors).toEqual([]);
  }, 180_000);
});
