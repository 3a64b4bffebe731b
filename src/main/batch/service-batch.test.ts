import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { StudioService } from '../service';
import type { StudioEvent } from '../../shared/api';

let root: string;
let allowed: string;
let service: StudioService;
let mask: Uint8Array;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'studio-batch-api-'));
  allowed = path.join(root, 'photos');
  mkdirSync(path.join(allowed, 'shoot'), { recursive: true });
  mkdirSync(path.join(root, 'private'));
  const w = 160, h = 120;
  for (let i = 0; i < 6; i++) {
    const raw = Buffer.alloc(w * h * 3);
    for (let p = 0; p < raw.length; p++) raw[p] = (p * 13 + i * 29 + (p % 11) * 7) & 255;
    await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toFile(path.join(allowed, 'shoot', `f${i}.png`));
  }
  const m = Buffer.alloc(w * h);
  for (let y = 50; y < 60; y++) for (let x = 70; x < 80; x++) m[y * w + x] = 255;
  mask = new Uint8Array(await sharp(m, { raw: { width: w, height: h, channels: 1 } }).png().toBuffer());
  symlinkSync(path.join(root, 'private'), path.join(allowed, 'sneaky-link'));
  service = new StudioService({ dataDir: path.join(root, 'data'), mode: 'browser', version: 'test', batchRoots: [allowed] });
});
afterAll(async () => {
  await service.close();
  rmSync(root, { recursive: true, force: true });
});

const params = { method: 'patchmatch' as const };

describe('batch through the contract', () => {
  it('browses only inside the allowed roots', async () => {
    const top = await service.call('batch.folders', {});
    expect(top.folders).toHaveLength(1);
    const inside = await service.call('batch.folders', { path: path.join(allowed, 'shoot') });
    expect(inside.imageCount).toBe(6);
    await expect(service.call('batch.folders', { path: path.join(root, 'private') })).rejects.toMatchObject({ code: 'FORBIDDEN_PATH' });
    await expect(service.call('batch.folders', { path: path.join(allowed, 'sneaky-link') })).rejects.toMatchObject({ code: 'FORBIDDEN_PATH' });
    await expect(service.call('batch.folders', { path: 'relative/path' })).rejects.toMatchObject({ code: 'FORBIDDEN_PATH' });
    await expect(service.call('batch.pickFolder', {})).rejects.toMatchObject({ code: 'NOT_AVAILABLE' });
  });

  it('refuses input or output folders outside the roots, writing nothing', async () => {
    await expect(service.call('batch.start', { inputDir: path.join(root, 'private'), outputDir: path.join(allowed, 'out'), mask, params }))
      .rejects.toMatchObject({ code: 'FORBIDDEN_PATH' });
    await expect(service.call('batch.start', { inputDir: path.join(allowed, 'shoot'), outputDir: path.join(root, 'private', 'out'), mask, params }))
      .rejects.toMatchObject({ code: 'FORBIDDEN_PATH' });
    expect(await service.call('batch.list', {})).toEqual([]);
  });

  it('runs, reports progress, pauses, resumes and finishes', async () => {
    const events: StudioEvent[] = [];
    const off = service.subscribe((e) => { if (e.type === 'batch.progress') events.push(e); });
    const started = await service.call('batch.start', { inputDir: path.join(allowed, 'shoot'), outputDir: path.join(allowed, 'out'), mask, params });
    expect(started.active).toBe(true);
    while (!events.some((e) => e.type === 'batch.progress' && e.payload.last?.status === 'done')) await new Promise((r) => setTimeout(r, 20));
    const paused = await service.call('batch.pause', { jobId: started.id });
    expect(paused.active).toBe(false);
    expect(['paused', 'done']).toContain(paused.status);
    if (paused.status === 'paused') expect(paused.counts.done).toBeLessThan(6);
    await service.call('batch.resume', { jobId: started.id });
    while (!(await service.call('batch.list', {})).every((j) => !j.active)) await new Promise((r) => setTimeout(r, 50));
    off();
    const [job] = await service.call('batch.list', {});
    expect(job).toMatchObject({ status: 'done', counts: { total: 6, done: 6, failed: 0 } });
    const items = await service.call('batch.items', { jobId: started.id });
    expect(items.every((i) => i.status === 'done')).toBe(true);
    const last = events.at(-1)!;
    expect(last.type === 'batch.progress' ? last.payload.job.status : null).toBe('done');
  });
});
