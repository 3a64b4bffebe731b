/**
 * The multi-sample gallery end to end in Chromium: a 4-sample PatchMatch
 * run filling in, each sample's provenance, the diversity score, the three
 * comparisons, "more like this", apply, the history (reopen a run's gallery,
 * revert), a reload, a small diffusion run with tiny-inpaint (live x₀
 * previews) and a cancelled run.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startStudio, type Studio } from './harness';
import { drag, maskFilled, stageGeometry, toPage, waitReady, openPhotoInEditor } from './stage';

const SAMPLE = path.join(REPO_ROOT, 'assets', 'sample.jpg');
const SHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');

async function waitForRun(page: Page, tiles: number, timeout = 120_000): Promise<number> {
  const gallery = page.getByTestId('result-view');
  await gallery.and(page.locator('[data-finished="true"]')).or(page.getByRole('alert')).first().waitFor({ timeout });
  expect(await page.getByRole('alert').allTextContents(), 'error banners during the run').toEqual([]);
  await expect.poll(() => gallery.locator('[data-testid="gallery-tile"][data-state="done"]').count(), { timeout: 30_000 }).toBe(tiles);
  return Number(await gallery.getAttribute('data-run-id'));
}

async function seeds(page: Page): Promise<number[]> {
  const tiles = page.getByTestId('result-view').locator('[data-testid="gallery-tile"][data-state="done"]');
  const out: number[] = [];
  for (let i = 0; i < (await tiles.count()); i++) out.push(Number(await tiles.nth(i).getAttribute('data-seed')));
  return out.sort((a, b) => a - b);
}

describe.sequential('sample gallery in browser mode', () => {
  let studio: Studio;
  let page: Page;
  let projectId = 0;
  let firstRun = 0;
  const errors: string[] = [];

  beforeAll(async () => {
    studio = await startStudio();
    page = await openPhotoInEditor(studio, SAMPLE, errors);
    const g = await stageGeometry(page);
    await page.keyboard.press('m');
    await drag(page, [toPage(g, 700, 560), toPage(g, 780, 620), toPage(g, 860, 700)]);
    await page.waitForFunction(`Number(document.querySelector('[data-testid="stage-container"]')?.getAttribute('data-mask-filled')) > 0`);
    projectId = (await studio.call('projects.list', {}))[0]!.id;
  }, 120_000);

  afterAll(async () => {
    await studio?.close();
  }, 60_000);

  it('runs 4 PatchMatch samples from distinct seeds, each saying how it was made, with a diversity score', async () => {
    await page.getByLabel('Method', { exact: true }).selectOption('patchmatch');
    expect(await page.getByLabel('Samples', { exact: true }).inputValue()).toBe('4');
    await page.getByLabel('Seed', { exact: true }).fill('10');
    // A time estimate from the service, before starting.
    await expect.poll(() => page.getByTestId('fill-estimate').textContent(), { timeout: 20_000 }).toMatch(/^About \d+ (s|min)/);
    await page.getByRole('button', { name: 'Fill', exact: true }).click();
    firstRun = await waitForRun(page, 4);
    expect(await seeds(page)).toEqual([10, 11, 12, 13]);
    const tile = page.getByTestId('gallery-tile').first();
    expect(await tile.textContent()).toMatch(/seed 10 · at \d+\.\d s[\s\S]*PatchMatch/);
    const gallery = page.getByTestId('result-view');
    await page.getByTestId('diversity').waitFor({ timeout: 30_000 });
    const score = Number(await gallery.getAttribute('data-diversity'));
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThan(1);
    const run = (await studio.call('projects.get', { projectId })).runs.find((r) => r.id === firstRun)!;
    expect(run.samples.map((s) => s.seed).sort()).toEqual([10, 11, 12, 13]);
  }, 180_000);

  it('compares: split with the original, the outside-mask heatmap (all zero), and two samples in step', async () => {
    await page.getByTestId('gallery-tile').first().getByRole('button', { name: 'Compare' }).click();
    const view = page.getByTestId('compare-view');
    await expect.poll(() => view.getAttribute('data-mode')).toBe('split');
    await page.getByRole('img', { name: /Sample 1/ }).first().evaluate((el) => (el as unknown as { decode(): Promise<void> }).decode());
    // Zoom the pane onto the filled area (image 700..860 × 560..700) and put the split through it.
    const pane = page.getByTestId('compare-pane').first();
    const pb = (await pane.boundingBox())!;
    const pv = async (n: string): Promise<number> => Number(await pane.getAttribute(n));
    const sx = pb.x + (await pv('data-view-offset-x')) + 780 * (await pv('data-view-scale'));
    const sy = pb.y + (await pv('data-view-offset-y')) + 630 * (await pv('data-view-scale'));
    const fitScale = await pv('data-view-scale');
    await page.mouse.move(sx, sy);
    for (let k = 0; k < 3; k++) await page.mouse.wheel(0, -300);
    await expect.poll(() => pv('data-view-scale')).toBeGreaterThan(fitScale * 4);
    await page.getByLabel('Split position').fill(String(Math.round(((sx - pb.x) / pb.width) * 100)));
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, 'compare-split.png') });

    await page.getByRole('tab', { name: 'Outside-mask change' }).click();
    const stats = page.getByTestId('heatmap-stats');
    await stats.waitFor({ timeout: 30_000 });
    expect(await stats.getAttribute('data-changed-outside')).toBe('0');
    expect(await stats.textContent()).toContain('no pixel changed');
    await page.getByRole('img', { name: 'Change heatmap' }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'compare-heatmap.png') });

    await page.getByRole('tab', { name: 'Side by side' }).click();
    const panes = page.getByTestId('compare-pane');
    await expect.poll(() => panes.count()).toBe(2);
    const scaleOf = async (i: number): Promise<number> => Number(await panes.nth(i).getAttribute('data-view-scale'));
    const s0 = await scaleOf(0);
    const box = (await panes.nth(1).boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -500);
    await expect.poll(() => scaleOf(0)).toBeGreaterThan(s0 * 1.5);
    expect(await scaleOf(1)).toBe(await scaleOf(0));
    await drag(page, [{ x: box.x + 100, y: box.y + 100 }, { x: box.x + 160, y: box.y + 120 }]);
    const offset = async (i: number): Promise<string | null> => panes.nth(i).getAttribute('data-view-offset-x');
    await expect.poll(() => offset(0)).toBe(await offset(1));
    await page.keyboard.press('Escape');
    await expect.poll(() => view.count()).toBe(0);
  });

  it('"more like this" runs the next unused seeds; apply makes a version; every run stays in history', async () => {
    await page.getByTestId('gallery-tile').nth(1).getByRole('button', { name: 'More like this' }).click();
    await expect.poll(async () => Number(await page.getByTestId('result-view').getAttribute('data-run-id')), { timeout: 30_000 }).not.toBe(firstRun);
    const secondRun = await waitForRun(page, 4);
    expect(await seeds(page)).toEqual([14, 15, 16, 17]);

    await page.getByRole('button', { name: 'Apply sample 2' }).click();
    const versions = page.getByTestId('version-item');
    await expect.poll(() => versions.count(), { timeout: 60_000 }).toBe(2);
    expect(await versions.first().getAttribute('data-head')).toBe('true');
    const detail = await studio.call('projects.get', { projectId });
    const applied = detail.versions.find((v) => v.id === detail.project.headVersionId)!;
    expect(applied.runId).toBe(secondRun);
    expect(detail.runs.flatMap((r) => r.samples)).toHaveLength(8);

    // The original version lists both runs; reopening the first shows its samples again.
    const original = page.locator('[data-testid="version-item"][data-head="false"]');
    await expect.poll(() => original.getByTestId('run-item').count()).toBe(2);
    await original.locator(`[data-testid="run-item"][data-run-id="${firstRun}"]`).getByRole('button', { name: 'Open gallery' }).click();
    await expect.poll(async () => Number(await page.getByTestId('result-view').getAttribute('data-run-id'))).toBe(firstRun);
    await waitForRun(page, 4);
    expect(await seeds(page)).toEqual([10, 11, 12, 13]);
  }, 180_000);

  it('reverts to the original as a new version, and everything survives a reload', async () => {
    await page.getByRole('button', { name: 'Revert to Original' }).click();
    const versions = page.getByTestId('version-item');
    await expect.poll(() => versions.count(), { timeout: 30_000 }).toBe(3);
    const head = page.locator('[data-testid="version-item"][data-head="true"]');
    expect(await head.textContent()).toContain('Reverted to version');
    await page.reload();
    const item = page.getByTestId('project-item').first();
    await item.locator('img').evaluate((el) => (el as unknown as { decode(): Promise<void> }).decode());
    await page.screenshot({ path: path.join(SHOTS, 'projects.png') });
    await item.click();
    await waitReady(page);
    await expect.poll(() => page.getByTestId('version-item').count()).toBe(3);
    expect(await page.getByTestId('run-item').count()).toBe(2);
    // The last used parameters are remembered across the reload.
    expect(await page.getByLabel('Seed', { exact: true }).inputValue()).toBe('10');
    expect(await page.getByLabel('Method', { exact: true }).inputValue()).toBe('patchmatch');
  }, 120_000);

  it('a 4-sample diffusion run with tiny-inpaint shows live x₀ previews and names its model; a run can be cancelled', async () => {
    const g = await stageGeometry(page);
    await page.keyboard.press('m');
    await drag(page, [toPage(g, 700, 560), toPage(g, 860, 700)]);
    await expect.poll(() => maskFilled(page)).toBeGreaterThan(0);
    await page.getByLabel('Method', { exact: true }).selectOption('diffusion');
    await page.getByLabel('Model', { exact: true }).selectOption('tiny-inpaint');
    await page.getByLabel('Steps', { exact: true }).fill('12');
    await page.getByLabel('Samples', { exact: true }).fill('4');
    // Record whether a tile ever showed a live preview (they come and go within seconds).
    await page.evaluate(`(() => {
      window.sawPreview = false;
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="gallery-tile"][data-state="preview"] img')) window.sawPreview = true;
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    })()`);
    await page.getByRole('button', { name: 'Fill', exact: true }).click();
    await waitForRun(page, 4, 150_000);
    expect(await page.evaluate('window.sawPreview')).toBe(true);
    const text = await page.getByTestId('result-view').textContent();
    expect(text).toContain('tiny-inpaint');
    expect(text).toContain('12 steps');
    // Where it ran, and (on a machine whose GPU providers were passed over, like CI's) why not on a GPU.
    const device = page.getByTestId('run-device');
    expect(await device.textContent()).toMatch(/^on (CPU|CUDA|WebGPU|DirectML|Core ML)/);
    if ((await device.textContent())!.startsWith('on CPU')) expect(await device.getAttribute('title')).toMatch(/Not used:\n(CUDA|Core ML): /);
    await page.getByTestId('diversity').waitFor({ timeout: 30_000 });
    // With the diffusion fields shown (a long model name) and three versions in the history, the
    // sidebar still fits its width, and each history row shows its label beside its Revert button.
    const layout = await page.evaluate(`(() => {
      const side = document.querySelector('.sidebar');
      const right = side.getBoundingClientRect().left + side.clientLeft + side.clientWidth;
      const overflowing = [...side.querySelectorAll('*')]
        .filter((el) => { const b = el.getBoundingClientRect(); return b.width > 0 && b.right > right + 0.5; })
        .map((el) => el.getAttribute('aria-label') || el.className || el.tagName);
      const rows = [...side.querySelectorAll('.version-row')].map((row) => {
        const open = row.querySelector('.version-open').getBoundingClientRect();
        const revert = row.querySelector('.version-row > button:not(.version-open)');
        return {
          labelWidth: row.querySelector('.version-label').getBoundingClientRect().width,
          revertOverlaps: revert !== null && revert.getBoundingClientRect().left < open.right - 0.5,
        };
      });
      return { overflowing, rows };
    })()`) as { overflowing: string[]; rows: { labelWidth: number; revertOverlaps: boolean }[] };
    expect(layout.overflowing).toEqual([]);
    expect(layout.rows.length).toBe(3);
    for (const row of layout.rows) {
      expect(row.revertOverlaps).toBe(false);
      expect(row.labelWidth).toBeGreaterThan(60);
    }
    await page.screenshot({ path: path.join(SHOTS, 'gallery.png') });

    // A long run, cancelled from the gallery.
    await page.getByLabel('Steps', { exact: true }).fill('1000');
    await page.getByLabel('Samples', { exact: true }).fill('16');
    await page.getByRole('button', { name: 'Fill', exact: true }).click();
    const cancel = page.getByRole('button', { name: 'Cancel run' });
    await cancel.and(page.locator(':enabled')).waitFor({ timeout: 60_000 });
    await cancel.click();
    await expect.poll(() => page.locator('.status-line').textContent(), { timeout: 60_000 }).toContain('Fill cancelled');
    const runs = (await studio.call('projects.get', { projectId })).runs;
    expect(runs.some((r) => r.status === 'cancelled')).toBe(true);
    expect(errors).toEqual([]);
  }, 240_000);
});
