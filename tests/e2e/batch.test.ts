/**
 * Batch from the UI in browser mode: choose folders inside the --allow-dir
 * root, give a dust mask, start, watch progress, cancel, resume, finish.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { startStudio, type Studio } from './harness';

let studio: Studio;
let root: string;
let page: Page;
const N = 30;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'e2e-batch-'));
  const shoot = path.join(root, 'shoot');
  mkdirSync(shoot);
  const w = 1600, h = 1000;
  for (let i = 0; i < N; i++) {
    const raw = Buffer.alloc(w * h * 3);
    for (let p = 0; p < raw.length; p++) raw[p] = (p * 7 + i * 31 + ((p / 2700) | 0) * 5) & 255;
    await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 90 }).toFile(path.join(shoot, `IMG_${i}.jpg`));
  }
  // Two photos the batch cannot write: a truncated file and a portrait frame the landscape mask does not fit.
  writeFileSync(path.join(shoot, 'IMG_truncated.jpg'), (await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).jpeg().toBuffer()).subarray(0, 40));
  await sharp({ create: { width: h, height: w, channels: 3, background: '#808080' } }).jpeg().toFile(path.join(shoot, 'IMG_portrait.jpg'));
  const m = Buffer.alloc(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((x - 500) ** 2 + (y - 400) ** 2 < 3600 || (x - 1200) ** 2 + (y - 700) ** 2 < 2500) m[y * w + x] = 255;
  writeFileSync(path.join(root, 'dust.png'), await sharp(m, { raw: { width: w, height: h, channels: 1 } }).png().toBuffer());
  studio = await startStudio({ serverArgs: ['--allow-dir', root] });
  page = await studio.newPage();
}, 120_000);

afterAll(async () => {
  await studio?.close();
  rmSync(root, { recursive: true, force: true });
});

async function chooseFolder(label: string, ...steps: string[]): Promise<void> {
  await page.getByRole('button', { name: 'Choose…' }).nth(label === 'Input folder' ? 0 : 1).click();
  const dialog = page.getByRole('dialog', { name: `Choose ${label.toLowerCase()}` });
  for (const step of steps) await dialog.getByRole('button', { name: step, exact: true }).click();
  await dialog.getByRole('button', { name: 'Use this folder' }).click();
}

describe('batch from the UI', () => {
  it('starts, shows progress, cancels, resumes and finishes', async () => {
    await page.goto(studio.url);
    await page.getByRole('button', { name: 'Batch…' }).click();
    await chooseFolder('Input folder', root, 'shoot');
    await expect.poll(() => page.getByLabel('Input folder').inputValue()).toBe(path.join(root, 'shoot'));
    // the output folder does not exist yet: choose its parent (the root) and check it is refused as the input itself
    await chooseFolder('Output folder', root);
    await page.getByLabel('Mask (PNG, sensor orientation, white = fill)').setInputFiles(path.join(root, 'dust.png'));
    await page.getByRole('button', { name: 'Start batch' }).click();

    const job = page.getByTestId('batch-job').first();
    // progress shows in the UI as items finish
    await expect.poll(async () => Number(/(\d+) done of/.exec((await job.locator('.batch-summary').textContent()) ?? '')?.[1] ?? 0), { timeout: 60_000 }).toBeGreaterThan(0);
    await job.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(async () => (await studio.call('batch.list', {}))[0]!.status, { timeout: 30_000 }).toBe('cancelled');
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled');
    const afterCancel = await studio.call('batch.list', {});
    expect(afterCancel[0]!.counts.done).toBeLessThan(N);

    await job.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => job.getAttribute('data-status'), { timeout: 120_000 }).toBe('done');
    const [finished] = await studio.call('batch.list', {});
    expect(finished!.counts).toMatchObject({ total: N + 2, done: N });
    expect(finished!.counts.failed + finished!.counts.skipped).toBe(2);
    expect(readdirSync(root).filter((f) => f.endsWith('.jpg')).length).toBe(N);
    // The two photos that were not written are listed on the job with their reasons.
    const problems = job.getByTestId('batch-problems');
    await expect.poll(() => problems.locator('summary').textContent()).toBe('2 photos were not written');
    await problems.locator('summary').click();
    await expect.poll(() => problems.getByTestId('batch-problem').count()).toBe(2);
    const lines = await problems.getByTestId('batch-problem').allTextContents();
    expect(lines.some((l) => l.startsWith('IMG_truncated.jpg') && /: .+/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('IMG_portrait.jpg') && /: .+/.test(l))).toBe(true);
    await page.screenshot({ path: path.join(process.cwd(), 'docs', 'screenshots', 'batch.png') });
  }, 240_000);
});
