import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../shared/errors';
import { packageRoot } from '../workers/paths';
import { expandMethods } from './methods';
import type { EvalRun } from './report';
import { runEval } from './runner';
import { texturedImage } from './testImages';

// The classical baselines need Debian's python3-opencv and python3-skimage; without them those rows carry the reason instead.
const hasPython = existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import cv2, skimage']).status === 0;

describe('expandMethods', () => {
  it('expands diffusion to every installed model, keeps order, and always starts with the original', () => {
    const specs = expandMethods(['patchmatch', 'diffusion', 'telea', 'diffusion-raw:b'], ['a', 'b']);
    expect(specs.map((s) => s.id)).toEqual(['original', 'patchmatch', 'diffusion:a', 'diffusion:b', 'telea', 'diffusion-raw:b']);
  });
  it('names the choices when a method or model is unknown', () => {
    expect(() => expandMethods(['lama'], [])).toThrow(/unknown method "lama".*patchmatch/);
    expect(() => expandMethods(['diffusion:photo-inpaint'], ['tiny-inpaint'])).toThrow(/installed: tiny-inpaint\)$/);
  });
  it('is a usage error, and names the model folders that could not be read', () => {
    const problem = 'models/photo-inpaint/manifest.json: workingEdge: Number must be greater than or equal to 16';
    let err: unknown;
    try { expandMethods(['diffusion:photo-inpaint'], ['tiny-inpaint'], [problem]); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).code).toBe('BAD_REQUEST');
    expect((err as StudioError).message).toContain(`could not be read: ${problem}`);
  });
});

describe('runEval on a small photo (every method, the installed test model)', () => {
  let dir = '';
  let run: EvalRun;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'eval-run-'));
    const photos = path.join(dir, 'photos');
    await fs.mkdir(photos);
    const img = texturedImage(160, 112, 5);
    await sharp(img.data, { raw: { width: 160, height: 112, channels: 3 } }).png().toFile(path.join(photos, 'texture.png'));
    run = await runEval({
      inputs: [photos], families: ['box', 'thin'], masksPerFamily: 1, methods: ['diffusion', 'diffusion-raw', 'patchmatch', 'pm-telea', 'telea', 'ns', 'biharmonic'],
      samples: 2, seed: 3, steps: 2, maxSize: 128, maxWorkingEdge: 32, out: path.join(dir, 'out'), python: '/usr/bin/python3',
      modelRoots: [path.join(packageRoot(), 'models')], dataDir: path.join(dir, 'data'), command: 'test',
    });
  }, 120_000);
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('downscales to --max-size and makes one case per family', () => {
    expect(run.cases.map((c) => c.family)).toEqual(['box', 'thin']);
    expect(run.cases.every((c) => c.width === 128 && c.height === 90 && c.originalWidth === 160)).toBe(true);
  });

  it('our methods never change a pixel outside the mask, and stochastic ones give distinct samples', () => {
    const ours = run.rows.filter((r) => /^(diffusion|diffusion-raw|patchmatch|pm-telea)/.test(r.method) && (hasPython || r.method !== 'pm-telea'));
    expect(ours.length).toBeGreaterThanOrEqual(2 * 3);
    for (const r of ours) {
      expect(r.error, `${r.method}: ${r.error}`).toBeNull();
      expect(r.scores!.outsideMax).toBe(0);
      expect(r.scores!.samples).toBe(2);
    }
    expect(run.rows.filter((r) => r.method.startsWith('diffusion:')).every((r) => r.scores!.diversity > 0)).toBe(true);
    expect(run.models.map((m) => m.id)).toContain('tiny-inpaint');
  });

  it('scores the original as a perfect fill', () => {
    for (const r of run.rows.filter((x) => x.method === 'original')) {
      expect(r.scores!.l1).toBe(0);
      expect(r.scores!.psnr).toBe(Infinity);
      expect(r.scores!.specHighDb).toBe(0);
    }
  });

  it.runIf(hasPython)('runs the classical baselines through Python', () => {
    for (const m of ['telea', 'ns', 'biharmonic']) {
      const rows = run.rows.filter((r) => r.method === m);
      expect(rows).toHaveLength(2);
      for (const r of rows) { expect(r.error).toBeNull(); expect(r.scores!.l1).toBeGreaterThan(0); }
    }
  });

  it('writes the CSV, summary, JSON and an HTML report whose thumbnails exist', async () => {
    const out = path.join(dir, 'out');
    const csv = await fs.readFile(path.join(out, 'results.csv'), 'utf8');
    expect(csv.trim().split('\n')).toHaveLength(1 + run.rows.length);
    expect(await fs.readFile(path.join(out, 'summary.md'), 'utf8')).toMatch(/\| patchmatch \| 2 \|/);
    const html = await fs.readFile(path.join(out, 'report.html'), 'utf8');
    const srcs = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!);
    expect(srcs.length).toBeGreaterThan(4);
    for (const s of srcs) expect(existsSync(path.join(out, s)), s).toBe(true);
    expect(existsSync(path.join(out, '.work'))).toBe(false);
    JSON.parse(await fs.readFile(path.join(out, 'results.json'), 'utf8'));
  });
});
