import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { StudioService } from './service';
import { decodeImage } from './imaging/io';
import { decodeMask, decodeMaskRegion } from './pipeline/mask-input';
import { MIGRATIONS, openDatabase } from './history/db';
import { HistoryRepository } from './history/repository';
import { BlobStore, sha256 } from './history/store';
import { runInpaint } from './pipeline/inpaint';
import { handmadeTiff, noise } from '../../tests/helpers/handmade-images';
import type { MaskRegion, StudioEvent } from '../shared/api';
import { maskBounds } from '../shared/mask-ops';
import { defaultProviders } from './inference/session';
import { providerName } from '../shared/devices';
import type { ExecutionProvider } from './inference/protocol';

const W = 160, H = 120;
let dir: string;
let service: StudioService;

function texture(w: number, h: number): Buffer {
  const raw = Buffer.alloc(w * h * 3);
  const n = noise(w * h * 3, 42, 40);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const i = (y * w + x) * 3;
    raw[i] = 100 + 60 * Math.sin(x / 5) + n[i]!;
    raw[i + 1] = 90 + 50 * Math.cos(y / 4) + n[i + 1]!;
    raw[i + 2] = 80 + n[i + 2]!;
  }
  return raw;
}

async function pngOf(raw: Buffer, w: number, h: number, channels: 1 | 3 = 3): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await sharp(raw, { raw: { width: w, height: h, channels } }).png().toBuffer());
}

function boxMask(w: number, h: number, x0: number, y0: number, x1: number, y1: number): Buffer {
  const m = Buffer.alloc(w * h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * w + x] = 255;
  return m;
}

/** A mask as the renderer sends it: the PNG of its bounding box (the whole frame for an empty mask) and where the box lies. */
async function regionOf(raw: Buffer, w: number, h: number): Promise<MaskRegion> {
  const box = maskBounds(raw, w, h) ?? { x: 0, y: 0, width: w, height: h };
  const png = await sharp(raw, { raw: { width: w, height: h, channels: 1 } }).extract({ left: box.x, top: box.y, width: box.width, height: box.height }).png().toBuffer();
  return { png: new Uint8Array(png), ...box };
}

function countFiles(root: string): number {
  let n = 0;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else n++;
    }
  };
  try { walk(root); } catch { /* no store yet */ }
  return n;
}

function waitFinished(svc: StudioService, jobId: string): Promise<StudioEvent> {
  return new Promise((resolve) => {
    const off = svc.subscribe((e) => {
      if (e.type === 'job.finished' && e.payload.jobId === jobId) { off(); resolve(e); }
    });
  });
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studio-service-'));
  service = new StudioService({ dataDir: dir, mode: 'browser', version: 'test' });
});
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('first loop: import, fill, apply, export', () => {
  it('changes no pixel outside the mask, with and without feather, 8-bit PNG', async () => {
    const source = texture(W, H);
    const detail = await service.call('images.import', { fileName: 'scene.png', bytes: await pngOf(source, W, H) });
    const maskRaw = boxMask(W, H, 60, 40, 90, 70);
    for (const feather of [0, 4]) {
      const job = await service.call('jobs.inpaint', {
        projectId: detail.project.id, versionId: detail.project.headVersionId, mask: await regionOf(maskRaw, W, H),
        params: { method: 'patchmatch', samples: 2, seed: 7, feather },
      });
      const finished = waitFinished(service, job.jobId);
      await service.waitForJob(job.jobId);
      expect((await finished).payload).toMatchObject({ status: 'done' });
      const run = service.repo.run(job.runId);
      expect(run.samples).toHaveLength(2);
      expect(run.samples[0]).toMatchObject({ x: 60, y: 40, width: 30, height: 30, seed: 7 });
      expect(run.samples[1]!.seed).toBe(8);
      const after = await service.call('versions.apply', { runId: job.runId, sampleIndex: 1 });
      const head = after.versions[0]!;
      expect(head.runId).toBe(job.runId);
      const file = await service.readFile({ kind: 'version-full', id: head.id });
      expect(file.mime).toBe('image/png');
      const out = await decodeImage(file.bytes);
      let changedInside = 0;
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) {
        const i = (y * W + x) * 3 + c;
        if (maskRaw[y * W + x] === 0) expect(out.image.data[i]).toBe(source[i]);
        else if (out.image.data[i] !== source[i]) changedInside++;
      }
      expect(changedInside).toBeGreaterThan(100);
    }
  });

  it('keeps 16-bit TIFF data exact outside the mask and writes 16-bit', async () => {
    const w = 96, h = 64;
    const px = noise(w * h * 3, 1234, 65535);
    const detail = await service.call('images.import', { fileName: 'scan.tif', bytes: new Uint8Array(handmadeTiff(w, h, 16, px)) });
    expect(detail.image.bitDepth).toBe(16);
    const maskRaw = boxMask(w, h, 30, 20, 50, 40);
    const job = await service.call('jobs.inpaint', {
      projectId: detail.project.id, versionId: detail.project.headVersionId, mask: await regionOf(maskRaw, w, h),
      params: { method: 'patchmatch', samples: 1, seed: 1 },
    });
    await service.waitForJob(job.jobId);
    expect(service.repo.run(job.runId).status).toBe('done');
    const rendered = await service.renderSample(job.runId, 0);
    expect(rendered.format).toBe('tiff');
    const out = await decodeImage(rendered.bytes);
    expect(out.image.depth).toBe(16);
    for (let p = 0; p < w * h; p++) {
      if (maskRaw[p] === 0) for (let c = 0; c < 3; c++) expect(out.image.data[p * 3 + c]).toBe(px[p * 3 + c]);
    }
  });

  it('finds projects and versions again after a restart', async () => {
    const before = await service.call('projects.list', {});
    const reopened = new StudioService({ dataDir: dir, mode: 'browser', version: 'test' });
    try {
      const after = await reopened.call('projects.list', {});
      expect(after).toEqual(before);
      const detail = await reopened.call('projects.get', { projectId: after[0]!.id });
      expect(detail.versions.length).toBeGreaterThanOrEqual(1);
    } finally {
      await reopened.close();
    }
  });
  it('a diffusion run records how its time split, and the estimate learns from such runs', async () => {
    const source = texture(W, H);
    const detail = await service.call('images.import', { fileName: 'two-spots.png', bytes: await pngOf(source, W, H) });
    // two 8x8 holes far enough apart to be diffused as two crops: 34x34 -> 32x32 and 40x40 working pixels
    const m = boxMask(W, H, 10, 10, 18, 18);
    for (let y = 90; y < 98; y++) for (let x = 130; x < 138; x++) m[y * W + x] = 255;
    const mask = await regionOf(m, W, H);
    const params = { method: 'diffusion' as const, model: 'tiny-inpaint', samples: 1, steps: 3, seed: 1 };
    expect((await service.call('jobs.estimate', { projectId: detail.project.id, mask, params })).basis).toBe('default');
    for (let k = 0; k < 2; k++) {
      const job = await service.call('jobs.inpaint', { projectId: detail.project.id, versionId: detail.project.headVersionId, mask, params });
      await service.waitForJob(job.jobId);
      const run = service.repo.run(job.runId);
      expect(run.status).toBe('done');
      // The device is recorded with why each faster one was passed over (on a machine without a GPU: all of them).
      const passedOver = defaultProviders().slice(0, defaultProviders().indexOf(run.device as ExecutionProvider));
      expect(run.deviceNote?.split('\n').map((l) => l.split(':')[0]) ?? []).toEqual(passedOver.map(providerName));
    }
    const costs = service.repo.recentRunCosts('diffusion', 10);
    expect(costs).toHaveLength(2);
    for (const c of costs) {
      expect(c.workingPixels).toBe(32 * 32 + 40 * 40);
      expect(c.samplingMs! + c.detailMs!).toBeLessThanOrEqual(c.totalMs);
      expect(c.samplingMs).toBeGreaterThanOrEqual(0);
    }
    expect((await service.call('jobs.estimate', { projectId: detail.project.id, mask, params })).basis).toBe('history');
  });
});

describe('history: revert, mask drafts, exclusion', () => {
  it('reverting makes a new head with the old pixels; history keeps everything', async () => {
    const w = 64, h = 48;
    const source = texture(w, h);
    const detail = await service.call('images.import', { fileName: 'rev.png', bytes: await pngOf(source, w, h) });
    const original = detail.project.headVersionId;
    const job = await service.call('jobs.inpaint', { projectId: detail.project.id, versionId: original, mask: await regionOf(boxMask(w, h, 20, 10, 40, 30), w, h), params: { method: 'patchmatch' } });
    await service.waitForJob(job.jobId);
    const applied = await service.call('versions.apply', { runId: job.runId, sampleIndex: 0 });
    const reverted = await service.call('versions.revert', { versionId: original });
    expect(reverted.versions.map((v) => v.id)).toEqual([reverted.versions[0]!.id, applied.versions[0]!.id, original]);
    expect(reverted.versions[0]!.parentId).toBe(original);
    const out = await decodeImage((await service.readFile({ kind: 'version-full', id: reverted.versions[0]!.id })).bytes);
    expect(Buffer.from(out.image.data as Uint8Array).equals(source)).toBe(true);
  });

  it('successive applies (each version built from the one before it) give the pixels of a rebuild from the original', async () => {
    const w = 80, h = 60;
    const source = texture(w, h);
    const detail = await service.call('images.import', { fileName: 'chain.png', bytes: await pngOf(source, w, h) });
    const projectId = detail.project.id;
    let versionId = detail.project.headVersionId;
    const boxes = [[5, 5, 20, 18], [30, 10, 50, 30], [12, 8, 40, 25]] as const;
    for (const [x0, y0, x1, y1] of boxes) {
      const job = await service.call('jobs.inpaint', { projectId, versionId, mask: await regionOf(boxMask(w, h, x0, y0, x1, y1), w, h), params: { method: 'patchmatch', seed: x0 } });
      await service.waitForJob(job.jobId);
      versionId = (await service.call('versions.apply', { runId: job.runId, sampleIndex: 0 })).project.headVersionId;
      await service.readFile({ kind: 'version-proxy', id: versionId }); // the editor shows each new head
    }
    const incremental = (await decodeImage((await service.readFile({ kind: 'version-full', id: versionId })).bytes)).image.data as Uint8Array;
    // A second service on the same data starts with nothing loaded and rebuilds from the original.
    const fresh = new StudioService({ dataDir: dir, mode: 'browser', version: 'test' });
    try {
      const rebuilt = (await decodeImage((await fresh.readFile({ kind: 'version-full', id: versionId })).bytes)).image.data as Uint8Array;
      expect(Buffer.from(incremental).equals(Buffer.from(rebuilt))).toBe(true);
    } finally {
      await fresh.close();
    }
    let outside = 0, changedOutside = 0, changedInside = 0;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const inBox = boxes.some(([x0, y0, x1, y1]) => x >= x0 && x < x1 && y >= y0 && y < y1);
      for (let c = 0; c < 3; c++) {
        const i = (y * w + x) * 3 + c;
        if (!inBox) { outside++; if (incremental[i] !== source[i]) changedOutside++; } else if (incremental[i] !== source[i]) changedInside++;
      }
    }
    expect(outside).toBeGreaterThan(0);
    expect(changedOutside).toBe(0);
    expect(changedInside).toBeGreaterThan(0);
  });

  it('autosaves one mask draft per project, each layer as its box, and gives back the same pixels at the same place', async () => {
    const w = 64, h = 48;
    const detail = await service.call('images.import', { fileName: 'draft.png', bytes: await pngOf(texture(w, h), w, h) });
    const p = { projectId: detail.project.id }, versionId = detail.project.headVersionId;
    expect(await service.call('masks.getDraft', p)).toBeNull();
    // A soft edge (levels 128..254) must survive the trip too.
    const soft = boxMask(w, h, 10, 10, 30, 30);
    for (let x = 10; x < 30; x++) soft[29 * w + x] = 130 + x;
    await service.call('masks.saveDraft', { ...p, versionId, mask: await regionOf(boxMask(w, h, 1, 1, 5, 5), w, h) });
    const second = await regionOf(soft, w, h);
    await service.call('masks.saveDraft', { ...p, versionId, mask: second });
    const draft = (await service.call('masks.getDraft', p))!;
    expect(draft.versionId).toBe(versionId);
    expect(draft.exclusion).toBeNull();
    const { png, ...box } = draft.mask!;
    expect(box).toEqual({ x: 10, y: 10, width: 20, height: 20 });
    expect(Buffer.from(png).equals(Buffer.from(second.png))).toBe(true);
    // Placed on the frame, byte for byte what the whole-frame draft of the same mask decoded to.
    expect(Buffer.from((await decodeMaskRegion(draft.mask!, w, h)).mask).equals(Buffer.from(await decodeMask(await pngOf(soft, w, h, 1), w, h)))).toBe(true);
    expect(await service.call('masks.clearDraft', p)).toEqual({ cleared: true });
    expect(await service.call('masks.getDraft', p)).toBeNull();
  });

  /** A 64 x 48 project and a fill and an exclusion layer for its draft, as boxes. */
  async function draftLayers(fileName: string) {
    const w = 64, h = 48;
    const detail = await service.call('images.import', { fileName, bytes: await pngOf(texture(w, h), w, h) });
    return {
      p: { projectId: detail.project.id }, versionId: detail.project.headVersionId,
      mask: await regionOf(boxMask(w, h, 1, 1, 5, 5), w, h),
      exclusion: await regionOf(boxMask(w, h, 30, 20, 50, 40), w, h),
    };
  }

  it('a draft keeps the exclusion mask beside the fill mask, or alone; a later draft without one drops it', async () => {
    const { p, versionId, mask, exclusion } = await draftLayers('draft-excl.png');
    await service.call('masks.saveDraft', { ...p, versionId, mask, exclusion });
    const draft = (await service.call('masks.getDraft', p))!;
    expect(draft.mask).toEqual(mask);
    expect(draft.exclusion).toEqual(exclusion);
    await service.call('masks.saveDraft', { ...p, versionId, mask });
    expect((await service.call('masks.getDraft', p))!.exclusion).toBeNull();
    // Only the exclusion painted: the fill layer is empty (null), not a PNG of nothing.
    await service.call('masks.saveDraft', { ...p, versionId, mask: null, exclusion });
    expect(await service.call('masks.getDraft', p)).toMatchObject({ versionId, mask: null, exclusion });
  });

  it('saving a draft with both layers empty clears the draft: nothing is left to restore', async () => {
    const { p, versionId, mask, exclusion } = await draftLayers('draft-empty.png');
    await service.call('masks.saveDraft', { ...p, versionId, mask, exclusion });
    const emptied = await service.call('masks.saveDraft', { ...p, versionId, mask: null });
    expect(service.repo.maskDraft(p.projectId)).toBeNull();
    expect(await service.call('masks.getDraft', p)).toBeNull();
    expect(emptied).toEqual({ savedAt: null });
    expect(await service.call('masks.clearDraft', p)).toEqual({ cleared: false });
    // Still checked like any draft: another project's version is refused, and the stored draft stays.
    await service.call('masks.saveDraft', { ...p, versionId, mask });
    const other = await draftLayers('draft-empty-other.png');
    await expect(service.call('masks.saveDraft', { ...p, versionId: other.versionId, mask: null })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await service.call('masks.getDraft', p))!.mask).toEqual(mask);
    // An empty draft row stored by an earlier release is no draft either.
    service.repo.saveMaskDraft(p.projectId, versionId, null, null);
    expect(await service.call('masks.getDraft', p)).toBeNull();
  });

  it('a draft is checked like a fill mask: box inside the photo, PNG the size of its box, readable', async () => {
    const w = 64, h = 48;
    const detail = await service.call('images.import', { fileName: 'draft-bad.png', bytes: await pngOf(texture(w, h), w, h) });
    const base = { projectId: detail.project.id, versionId: detail.project.headVersionId };
    const white = (bw: number, bh: number) => pngOf(Buffer.alloc(bw * bh, 255), bw, bh, 1);
    const region = async (x: number, y: number, bw: number, bh: number, png?: Uint8Array<ArrayBuffer>): Promise<MaskRegion> => ({ png: png ?? await white(bw, bh), x, y, width: bw, height: bh });
    const good = await region(2, 2, 4, 4);
    await service.call('masks.saveDraft', { ...base, mask: good });
    for (const mask of [await region(20, 0, 50, 48), await region(63, 47, 2, 1)]) {
      await expect(service.call('masks.saveDraft', { ...base, mask })).rejects.toMatchObject({ code: 'MASK_SIZE_MISMATCH', message: expect.stringMatching(/mask's box .* reaches outside the 64×48 photo/) });
    }
    await expect(service.call('masks.saveDraft', { ...base, mask: await region(5, 5, 12, 10, await white(10, 10)) }))
      .rejects.toMatchObject({ code: 'MASK_SIZE_MISMATCH', message: expect.stringMatching(/mask PNG is 10×10 but its box says 12×10/) });
    await expect(service.call('masks.saveDraft', { ...base, mask: good, exclusion: await region(60, 0, 8, 8) }))
      .rejects.toMatchObject({ code: 'MASK_SIZE_MISMATCH', message: expect.stringMatching(/exclusion mask's box/) });
    await expect(service.call('masks.saveDraft', { ...base, mask: null, exclusion: await region(0, 0, 8, 8, await white(8, 4)) }))
      .rejects.toMatchObject({ code: 'MASK_SIZE_MISMATCH', message: expect.stringMatching(/exclusion mask PNG is 8×4/) });
    await expect(service.call('masks.saveDraft', { ...base, mask: await region(1, 1, 4, 4, new TextEncoder().encode('not a png')) })).rejects.toMatchObject({ code: 'BAD_MASK' });
    // The contract: a bare whole-frame PNG (the old form) or a missing fill layer is refused before anything is read.
    for (const mask of [await white(w, h), undefined]) {
      await expect(service.handle('masks.saveDraft', { ...base, mask })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^masks\.saveDraft: mask/) });
    }
    const other = await service.call('images.import', { fileName: 'draft-other.png', bytes: await pngOf(texture(w, h), w, h) });
    await expect(service.call('masks.saveDraft', { ...base, versionId: other.project.headVersionId, mask: good })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // Nothing rejected replaced the saved draft.
    expect((await service.call('masks.getDraft', { projectId: base.projectId }))!.mask).toEqual(good);
  });

  it('a draft follows a version to its child, boxes and PNGs untouched; nowhere else', async () => {
    const w = 64, h = 48;
    const detail = await service.call('images.import', { fileName: 'draft-move.png', bytes: await pngOf(texture(w, h), w, h) });
    const projectId = detail.project.id, original = detail.project.headVersionId;
    const mask = await regionOf(boxMask(w, h, 40, 30, 46, 36), w, h);
    const exclusion = await regionOf(boxMask(w, h, 2, 2, 9, 9), w, h);
    const saved = await service.call('masks.saveDraft', { projectId, versionId: original, mask, exclusion });
    const job = await service.call('jobs.inpaint', { projectId, versionId: original, mask: await regionOf(boxMask(w, h, 20, 10, 26, 16), w, h), params: { method: 'patchmatch', samples: 1 }, purpose: 'spot-heal' });
    await service.waitForJob(job.jobId);
    const healed = (await service.call('versions.apply', { runId: job.runId, sampleIndex: 0 })).project.headVersionId;
    // Not a child of the draft's version (the other way round), or another project's version: refused.
    await expect(service.call('masks.moveDraft', { projectId, fromVersionId: healed, toVersionId: original })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/not a child/) });
    const other = await service.call('images.import', { fileName: 'draft-move-other.png', bytes: await pngOf(texture(w, h), w, h) });
    await expect(service.call('masks.moveDraft', { projectId: other.project.id, fromVersionId: original, toVersionId: healed })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(service.call('masks.moveDraft', { projectId, fromVersionId: original, toVersionId: 999_999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await service.call('masks.getDraft', { projectId }))!.versionId).toBe(original);

    expect(await service.call('masks.moveDraft', { projectId, fromVersionId: original, toVersionId: healed })).toEqual({ moved: true });
    expect(await service.call('masks.getDraft', { projectId })).toEqual({ versionId: healed, mask, exclusion, savedAt: saved.savedAt });
    // The draft is no longer on the original: moving it from there again does nothing.
    expect(await service.call('masks.moveDraft', { projectId, fromVersionId: original, toVersionId: healed })).toEqual({ moved: false });
    await service.call('masks.clearDraft', { projectId });
    expect(await service.call('masks.moveDraft', { projectId, fromVersionId: original, toVersionId: healed })).toEqual({ moved: false });
  });

  it('a draft saved before drafts had boxes (a whole-frame PNG) reopens as a whole-frame box, pixels intact', async () => {
    const oldDir = mkdtempSync(path.join(os.tmpdir(), 'studio-old-draft-'));
    try {
      const w = 40, h = 30;
      const raw = boxMask(w, h, 5, 6, 17, 20);
      const maskPng = await pngOf(raw, w, h, 1);
      const exclusionPng = await pngOf(boxMask(w, h, 30, 0, 40, 10), w, h, 1);
      // The data folder as the previous release left it: schema 6, whole-frame PNGs in the store.
      const db = openDatabase(path.join(oldDir, 'history.sqlite'), MIGRATIONS.filter((m) => m.version <= 6));
      const store = new BlobStore(path.join(oldDir, 'store'));
      const photo = await pngOf(texture(w, h), w, h);
      const projectId = new HistoryRepository(db).createProjectWithImage('old', {
        fileName: 'old.png', sourcePath: null, contentHash: await store.put(photo), format: 'png', width: w, height: h,
        bitDepth: 8, channels: 3, orientation: 1, hasIcc: false, bytes: photo.length,
      });
      const versionId = (db.prepare('SELECT id FROM versions WHERE project_id = ?').get(projectId) as { id: number }).id;
      db.prepare('INSERT INTO mask_drafts (project_id, version_id, content_hash, exclusion_hash, updated_at) VALUES (?, ?, ?, ?, ?)')
        .run(projectId, versionId, await store.put(maskPng), await store.put(exclusionPng), '2026-01-02T03:04:05.000Z');
      db.close();

      const reopened = new StudioService({ dataDir: oldDir, mode: 'browser', version: 'test' });
      try {
        const draft = (await reopened.call('masks.getDraft', { projectId }))!;
        expect(draft).toEqual({
          versionId, savedAt: '2026-01-02T03:04:05.000Z',
          mask: { png: maskPng, x: 0, y: 0, width: w, height: h }, exclusion: { png: exclusionPng, x: 0, y: 0, width: w, height: h },
        });
        expect(Buffer.from((await decodeMaskRegion(draft.mask!, w, h)).mask).equals(raw)).toBe(true);
        // Saving over it stores the new form.
        const region = await regionOf(raw, w, h);
        await reopened.call('masks.saveDraft', { projectId, versionId, mask: region });
        expect((await reopened.call('masks.getDraft', { projectId }))!.mask).toEqual(region);
      } finally {
        await reopened.close();
      }
    } finally {
      rmSync(oldDir, { recursive: true, force: true });
    }
  });

  it('PatchMatch never copies from the exclusion mask', async () => {
    // Left half: grey noise. A bright magenta stripe lies under the exclusion; the hole sits next to it.
    const w = 96, h = 64;
    const raw = Buffer.from(noise(w * h * 3, 77, 60).map((v) => v + 90));
    for (let y = 0; y < h; y++) for (let x = 60; x < 70; x++) raw.set([255, 0, 255], (y * w + x) * 3);
    const detail = await service.call('images.import', { fileName: 'excl.png', bytes: await pngOf(raw, w, h) });
    const job = await service.call('jobs.inpaint', {
      projectId: detail.project.id, versionId: detail.project.headVersionId,
      mask: await regionOf(boxMask(w, h, 72, 20, 88, 40), w, h), exclusion: await regionOf(boxMask(w, h, 58, 0, 72, h), w, h),
      params: { method: 'patchmatch', seed: 3 },
    });
    await service.waitForJob(job.jobId);
    expect(service.repo.run(job.runId).error).toBeNull();
    const out = await decodeImage((await service.renderSample(job.runId, 0, 'png')).bytes);
    for (let y = 20; y < 40; y++) for (let x = 72; x < 88; x++) {
      const i = (y * w + x) * 3;
      const magenta = out.image.data[i]! > 200 && out.image.data[i + 1]! < 60 && out.image.data[i + 2]! > 200;
      expect(magenta).toBe(false);
    }
  });
});

describe('bad input gets a clear error and writes nothing', () => {
  it('rejects broken files and bad masks without touching the store or the history', async () => {
    const good = await service.call('images.import', { fileName: 'ok.png', bytes: await pngOf(texture(64, 48), 64, 48) });
    const jpeg = await sharp(texture(64, 48), { raw: { width: 64, height: 48, channels: 3 } }).jpeg().toBuffer();
    const storeFiles = countFiles(path.join(dir, 'store'));
    const projects = (await service.call('projects.list', {})).length;
    const runs = good.runs.length;

    const cases: [string, Uint8Array, string][] = [
      ['truncated.jpg', new Uint8Array(jpeg.subarray(0, Math.floor(jpeg.length / 2))), 'CORRUPT_IMAGE'],
      ['notes.png', new TextEncoder().encode('this is a text file renamed to .png'), 'UNSUPPORTED_FORMAT'],
      ['IMG_0001.CR2', new Uint8Array([0x49, 0x49, 42, 0, 8, 0, 0, 0]), 'UNSUPPORTED_FORMAT'],
    ];
    for (const [fileName, bytes, code] of cases) {
      await expect(service.call('images.import', { fileName, bytes })).rejects.toMatchObject({ code });
    }
    await expect(service.handle('images.import', { fileName: 'empty.png', bytes: new Uint8Array(0) })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(service.handle('images.import', { fileName: '../../etc/passwd', bytes: new Uint8Array([1]) })).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    const base = { projectId: good.project.id, versionId: good.project.headVersionId, params: { method: 'patchmatch' as const } };
    const white = (w: number, h: number) => pngOf(Buffer.alloc(w * h, 255), w, h, 1);
    const region = async (x: number, y: number, w: number, h: number, png?: Uint8Array) => ({ png: png ?? await white(w, h), x, y, width: w, height: h });
    // The box must lie inside the 64×48 photo, and the PNG must be the size the box claims.
    for (const mask of [await region(20, 0, 50, 48), await region(0, 40, 10, 10), await region(63, 47, 2, 1)]) {
      await expect(service.call('jobs.inpaint', { ...base, mask })).rejects.toMatchObject({ code: 'MASK_SIZE_MISMATCH', message: expect.stringMatching(/reaches outside the 64×48 photo/) });
    }
    await expect(service.call('jobs.inpaint', { ...base, mask: await region(5, 5, 12, 10, await white(10, 10)) }))
      .rejects.toMatchObject({ code: 'MASK_SIZE_MISMATCH', message: expect.stringMatching(/PNG is 10×10 but its box says 12×10/) });
    await expect(service.call('jobs.inpaint', { ...base, mask: await region(5, 5, 4, 4), exclusion: await region(60, 0, 8, 8) }))
      .rejects.toMatchObject({ code: 'MASK_SIZE_MISMATCH', message: expect.stringMatching(/exclusion mask's box/) });
    // A box with nothing > 127 in it is an empty mask; a box covering the whole photo in white leaves nothing to sample.
    await expect(service.call('jobs.inpaint', { ...base, mask: await region(5, 5, 10, 10, await pngOf(Buffer.alloc(100, 127), 10, 10, 1)) }))
      .rejects.toMatchObject({ code: 'MASK_EMPTY', message: expect.stringMatching(/mask is empty/) });
    await expect(service.call('jobs.estimate', { projectId: base.projectId, params: base.params, mask: await region(5, 5, 10, 10, await pngOf(Buffer.alloc(100), 10, 10, 1)) }))
      .rejects.toMatchObject({ code: 'MASK_EMPTY' });
    await expect(service.call('jobs.estimate', { projectId: base.projectId, params: base.params, mask: await region(60, 0, 8, 8) }))
      .rejects.toMatchObject({ code: 'MASK_SIZE_MISMATCH' });
    await expect(service.call('jobs.inpaint', { ...base, mask: await region(0, 0, 64, 48) })).rejects.toMatchObject({ code: 'MASK_FULL' });
    await expect(service.call('jobs.inpaint', { ...base, mask: await region(1, 1, 4, 4, new TextEncoder().encode('not a png')) })).rejects.toMatchObject({ code: 'BAD_MASK' });
    // The contract itself: a bare PNG (the old whole-frame form), negative or empty boxes, an unknown purpose.
    for (const mask of [await white(64, 48), { ...(await region(0, 0, 4, 4)), x: -1 }, { ...(await region(0, 0, 4, 4)), width: 0 }, { x: 0, y: 0, width: 4, height: 4, png: new Uint8Array(0) }]) {
      await expect(service.handle('jobs.inpaint', { ...base, mask })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^jobs\.inpaint: mask/) });
    }
    await expect(service.handle('jobs.inpaint', { ...base, mask: await region(1, 1, 4, 4), purpose: 'retouch' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(service.handle('jobs.inpaint', { ...base, mask: await region(1, 1, 4, 4), params: { samples: 99 } })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(service.handle('no.such.method', {})).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    expect(countFiles(path.join(dir, 'store'))).toBe(storeFiles);
    expect((await service.call('projects.list', {})).length).toBe(projects);
    expect((await service.call('projects.get', { projectId: good.project.id })).runs.length).toBe(runs);
  });

  it('a cancelled job ends as cancelled and leaves no samples', async () => {
    const w = 1200, h = 900;
    const detail = await service.call('images.import', { fileName: 'big.png', bytes: await pngOf(texture(w, h), w, h) });
    const job = await service.call('jobs.inpaint', {
      projectId: detail.project.id, versionId: detail.project.headVersionId, mask: await regionOf(boxMask(w, h, 200, 200, 700, 600), w, h),
      params: { method: 'patchmatch', samples: 4 },
    });
    const finished = waitFinished(service, job.jobId);
    await service.call('jobs.cancel', { jobId: job.jobId });
    expect((await finished).payload).toMatchObject({ status: 'cancelled' });
    const run = service.repo.run(job.runId);
    expect(run.status).toBe('cancelled');
    expect(run.samples.length).toBeLessThan(4);
  });
});

describe('masks travel as their bounding box', () => {
  it('the same mask gives byte-identical samples sent as its box, as the whole frame, and straight to the pipeline', async () => {
    const w = 120, h = 90;
    const source = texture(w, h);
    const detail = await service.call('images.import', { fileName: 'box.png', bytes: await pngOf(source, w, h) });
    // A hard core with a soft brush edge (levels 128..254) and a lone speck: grow, feather and the soft levels all take part.
    const raw = boxMask(w, h, 40, 30, 60, 45);
    for (let x = 36; x < 64; x++) { raw[29 * w + x] = 150 + (x % 7) * 10; raw[45 * w + x] = 200; }
    raw[70 * w + 95] = 255;
    const params = { method: 'patchmatch' as const, samples: 2, seed: 11, grow: 2, feather: 3 };
    const exclusionRaw = boxMask(w, h, 0, 0, 20, h);
    const tight = await regionOf(raw, w, h);
    expect({ ...tight, png: null }).toEqual({ png: null, x: 36, y: 29, width: 60, height: 42 });
    const whole = { png: await pngOf(raw, w, h, 1), x: 0, y: 0, width: w, height: h };
    const exclusion = await regionOf(exclusionRaw, w, h);

    const samplesOf = async (mask: MaskRegion) => {
      const job = await service.call('jobs.inpaint', { projectId: detail.project.id, versionId: detail.project.headVersionId, mask, exclusion, params });
      await service.waitForJob(job.jobId);
      const run = service.repo.run(job.runId);
      expect(run.status).toBe('done');
      return Promise.all(run.samples.map(async (sample) => ({
        box: { x: sample.x, y: sample.y, width: sample.width, height: sample.height },
        pixels: Buffer.from((await decodeImage((await service.renderSample(job.runId, sample.index, 'png')).bytes)).image.data as Uint8Array),
      })));
    };
    const [fromBox, fromWhole] = [await samplesOf(tight), await samplesOf(whole)];
    expect(fromBox.map((s) => s.box)).toEqual(fromWhole.map((s) => s.box));
    for (let i = 0; i < fromBox.length; i++) expect(fromBox[i]!.pixels.equals(fromWhole[i]!.pixels)).toBe(true);

    // The pipeline called directly with the whole-frame planes, as before masks travelled as boxes.
    const image = (await decodeImage(await pngOf(source, w, h))).image;
    const direct = await runInpaint({
      image, mask: await decodeMask(whole.png, w, h), exclusion: await decodeMask(await pngOf(exclusionRaw, w, h, 1), w, h),
      params: { ...params, model: null, sampler: null, steps: null, strength: null },
    });
    expect(direct.map((s) => s.region)).toEqual(fromBox.map((s) => s.box));
    for (const [i, s] of direct.entries()) {
      const got = fromBox[i]!.pixels;
      let differs = 0;
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
        const inRegion = x >= s.region.x && x < s.region.x + s.region.width && y >= s.region.y && y < s.region.y + s.region.height;
        const want = inRegion ? (s.crop.data as Uint8Array)[((y - s.region.y) * s.region.width + (x - s.region.x)) * 3 + c] : source[(y * w + x) * 3 + c];
        if (got[(y * w + x) * 3 + c] !== want) differs++;
      }
      expect(differs).toBe(0);
    }
  });

  it('history stores the box PNG and where it lies; a heal is labelled "Spot heal", a fill keeps its label', async () => {
    const w = 64, h = 48;
    const detail = await service.call('images.import', { fileName: 'label.png', bytes: await pngOf(texture(w, h), w, h) });
    const mask = await regionOf(boxMask(w, h, 30, 20, 36, 26), w, h);
    const heal = await service.call('jobs.inpaint', { projectId: detail.project.id, versionId: detail.project.headVersionId, mask, params: { method: 'patchmatch' }, purpose: 'spot-heal' });
    await service.waitForJob(heal.jobId);
    const healed = await service.call('versions.apply', { runId: heal.runId, sampleIndex: 0 });
    expect(healed.versions[0]!.label).toBe('Spot heal');
    expect(healed.runs.find((r) => r.id === heal.runId)!.purpose).toBe('spot-heal');
    const stored = service.repo.mask(service.repo.run(heal.runId).maskId);
    expect(stored).toMatchObject({ width: w, height: h, box_x: 30, box_y: 20, box_width: 6, box_height: 6, coverage: 36 / (w * h) });

    const fill = await service.call('jobs.inpaint', { projectId: detail.project.id, versionId: healed.project.headVersionId, mask, params: { method: 'patchmatch' } });
    await service.waitForJob(fill.jobId);
    const filled = await service.call('versions.apply', { runId: fill.runId, sampleIndex: 0 });
    expect(filled.versions[0]!.label).toBe('PatchMatch fill, sample 1');
    expect(service.repo.run(fill.runId).purpose).toBe('fill');
  });
});

describe('deleting a project', () => {
  const exists = (store: BlobStore, hash: string): boolean => { try { statSync(store.pathOf(hash)); return true; } catch { return false; } };

  it('hides it at once, never reuses its ids, drops its proxies, and sweeps the pixels only it used', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'studio-delete-'));
    const store = new BlobStore(path.join(root, 'store'));
    const svc = new StudioService({ dataDir: root, mode: 'browser', version: 'test', blobSweepIdleMs: 0 });
    try {
      const bytes = await pngOf(texture(W, H), W, H);
      const b = await svc.call('images.import', { fileName: 'b.png', bytes });
      const a = await svc.call('images.import', { fileName: 'a.png', bytes }); // the same photo again: one shared blob
      const job = await svc.call('jobs.inpaint', {
        projectId: a.project.id, versionId: a.project.headVersionId, mask: await regionOf(boxMask(W, H, 60, 40, 90, 70), W, H),
        params: { method: 'patchmatch', samples: 2, seed: 3 },
      });
      await svc.waitForJob(job.jobId);
      const applied = await svc.call('versions.apply', { runId: job.runId, sampleIndex: 0 });
      const run = svc.repo.run(job.runId);
      const headA = applied.versions[0]!.id;
      await svc.readFile({ kind: 'version-proxy', id: headA });
      await svc.readFile({ kind: 'sample-proxy', id: run.samples[0]!.id });
      const cache = path.join(root, 'cache');
      expect(readdirSync(cache)).toEqual(expect.arrayContaining([`version-${headA}`, `sample-${run.samples[0]!.id}`]));
      const sampleHashes = run.samples.map((s) => svc.repo.sample(s.id).contentHash);
      const maskHash = svc.repo.mask(run.maskId).content_hash;
      const photoHash = a.image.contentHash;
      expect([...sampleHashes, maskHash, photoHash].every((h) => exists(store, h))).toBe(true);

      const left = await svc.call('projects.delete', { projectId: a.project.id });
      expect(left.map((p) => p.id)).toEqual([b.project.id]);
      await expect(svc.call('projects.get', { projectId: a.project.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(svc.readFile({ kind: 'version-full', id: headA })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      // Not from memory (the version last decoded) nor from a proxy file that a read in flight wrote after the delete.
      await expect(svc.loadVersion(headA)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(svc.readFile({ kind: 'sample-proxy', id: run.samples[0]!.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(sampleHashes.some((h) => exists(store, h))).toBe(false);
      expect(exists(store, maskHash)).toBe(false);
      expect(exists(store, photoHash)).toBe(true); // project b still uses it
      expect(readdirSync(cache).some((f) => f === `version-${headA}` || f === `sample-${run.samples[0]!.id}`)).toBe(false);
      writeFileSync(path.join(root, 'cache', `version-${headA}`), 'stale');
      writeFileSync(path.join(root, 'cache', `version-${headA}.mime`), 'image/jpeg');
      await expect(svc.readFile({ kind: 'version-proxy', id: headA })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect((await decodeImage((await svc.readFile({ kind: 'version-full', id: b.project.headVersionId })).bytes)).image.width).toBe(W);

      // A new project gets new ids: nothing of the deleted one can be served for it.
      const c = await svc.call('images.import', { fileName: 'c.png', bytes: await pngOf(texture(W, H).reverse(), W, H) });
      expect(c.project.id).toBeGreaterThan(a.project.id);
      expect(c.project.headVersionId).toBeGreaterThan(headA);

      await svc.call('projects.delete', { projectId: b.project.id });
      expect(exists(store, photoHash)).toBe(false); // the last project using it is gone
      await expect(svc.call('projects.delete', { projectId: b.project.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await svc.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('keeps a blob that was put again recently, and sweeps it at a later start', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'studio-delete-'));
    const store = new BlobStore(path.join(root, 'store'));
    let svc = new StudioService({ dataDir: root, mode: 'browser', version: 'test' }); // default idle time: 10 min
    try {
      const a = await svc.call('images.import', { fileName: 'a.png', bytes: await pngOf(texture(W, H), W, H) });
      await svc.call('projects.delete', { projectId: a.project.id });
      expect(exists(store, a.image.contentHash)).toBe(true); // written moments ago: another put may be about to use it
      await svc.close();
      svc = new StudioService({ dataDir: root, mode: 'browser', version: 'test', blobSweepIdleMs: 0 });
      await expect.poll(() => exists(store, a.image.contentHash)).toBe(false);
    } finally {
      await svc.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('at start, sweeps every idle blob nothing live refers to: replaced drafts, orphans of killed writes, a fill stored during a delete', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'studio-collect-'));
    const store = new BlobStore(path.join(root, 'store'));
    let svc = new StudioService({ dataDir: root, mode: 'browser', version: 'test' });
    try {
      const kept = await svc.call('images.import', { fileName: 'kept.png', bytes: await pngOf(texture(W, H), W, H) });
      const p = { projectId: kept.project.id, versionId: kept.project.headVersionId };
      const first = await regionOf(boxMask(W, H, 5, 5, 25, 25), W, H);
      const second = await regionOf(boxMask(W, H, 40, 30, 70, 60), W, H);
      await svc.call('masks.saveDraft', { ...p, mask: first });
      await svc.call('masks.saveDraft', { ...p, mask: second }); // the first draft's PNG is no longer referred to
      const gone = await svc.call('images.import', { fileName: 'gone.png', bytes: await pngOf(texture(W, H).reverse(), W, H) });
      await svc.call('projects.delete', { projectId: gone.project.id });
      // A fill that passed its project check before the delete stores its mask after it.
      const lateMask = await store.put(new TextEncoder().encode('mask stored after its project was deleted'));
      svc.repo.insertMask(gone.image.id, lateMask, W, H, 0.1);
      const orphan = await store.put(new TextEncoder().encode('a process killed between its put and its insert'));
      const hashes = { photo: kept.image.contentHash, draft: svc.repo.maskDraft(kept.project.id)!.mask!.contentHash,
        firstDraft: sha256(first.png), lateMask, orphan };
      expect(Object.values(hashes).every((h) => exists(store, h))).toBe(true);
      await svc.close();

      svc = new StudioService({ dataDir: root, mode: 'browser', version: 'test', blobSweepIdleMs: 0 });
      await expect.poll(() => [hashes.firstDraft, hashes.lateMask, hashes.orphan].some((h) => exists(store, h))).toBe(false);
      expect(exists(store, hashes.photo) && exists(store, hashes.draft)).toBe(true);
      expect(Buffer.from((await svc.call('masks.getDraft', { projectId: kept.project.id }))!.mask!.png).equals(Buffer.from(second.png))).toBe(true);
    } finally {
      await svc.close();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('is refused while a fill of the project is running, and loses nothing', async () => {
    const detail = await service.call('images.import', { fileName: 'busy.png', bytes: await pngOf(texture(W, H), W, H) });
    const maskId = service.repo.insertMask(service.repo.imageOfProject(detail.project.id).id, 'f'.repeat(64), W, H, 0.1);
    const runId = service.repo.insertRun(detail.project.id, detail.project.headVersionId, maskId, { method: 'patchmatch', samples: 1, seed: 0 } as never, 'cpu');
    await expect(service.call('projects.delete', { projectId: detail.project.id })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/cancel it first/) });
    expect((await service.call('projects.get', { projectId: detail.project.id })).runs.map((r) => r.id)).toContain(runId);
    service.repo.finishRun(runId, 'cancelled', null, {});
  });
});

describe('runs left running', () => {
  const NO_SUCH_PID = 2 ** 22 + 1000; // above Linux's PID_MAX_LIMIT: no process can have it

  async function runsOwnedBy(owners: readonly (number | null | 'self')[]): Promise<number[]> {
    const detail = await service.call('images.import', { fileName: 'owners.png', bytes: await pngOf(texture(W, H), W, H) });
    const maskId = service.repo.insertMask(service.repo.imageOfProject(detail.project.id).id, 'e'.repeat(64), W, H, 0.1);
    const ids = owners.map(() => service.repo.insertRun(detail.project.id, detail.project.headVersionId, maskId, { method: 'patchmatch', samples: 1, seed: 0 } as never, 'cpu'));
    const raw = openDatabase(path.join(dir, 'history.sqlite'));
    owners.forEach((o, k) => { if (o !== 'self') raw.prepare('UPDATE runs SET owner_pid = ? WHERE id = ?').run(o, ids[k]); });
    raw.close();
    return ids;
  }
  const status = (id: number): string => service.repo.run(id).status;

  it('are failed at start-up only when the process that started them is gone (the CLI and the app share a data folder)', async () => {
    const ids = await runsOwnedBy([null, 'self', 111, 222]);
    expect(service.repo.failInterruptedRuns((pid) => pid === 111)).toBe(3);
    expect(ids.map(status)).toEqual(['failed', 'failed', 'running', 'failed']);
    service.repo.finishRun(ids[2]!, 'cancelled', null, {});
  });

  it('tells a live process from a pid no process has', async () => {
    const [parent, gone] = await runsOwnedBy([process.ppid, NO_SUCH_PID]);
    expect(service.repo.failInterruptedRuns()).toBe(1);
    expect([status(parent!), status(gone!)]).toEqual(['running', 'failed']);
    service.repo.finishRun(parent!, 'cancelled', null, {});
  });
});
