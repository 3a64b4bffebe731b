import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { StudioService } from '../service';
import { fixturePath } from './fixtures';

let dir: string;
let service: StudioService;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studio-segment-'));
  service = new StudioService({ dataDir: dir, mode: 'browser', version: 'test' });
});
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

async function maskPixels(png: Uint8Array): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function iou(a: Buffer, b: Buffer): number {
  let inter = 0, union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! > 127, y = b[i]! > 127;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return inter / union;
}

describe('semantic selection through the contract', () => {
  it('selects the person in a photo, close to the hand-made reference, as a full-size mask', async () => {
    const detail = await service.call('images.import', { fileName: 'grace_hopper.jpg', bytes: new Uint8Array(readFileSync(fixturePath('grace_hopper.jpg'))) });
    const r = await service.call('segment.select', { versionId: detail.project.headVersionId, target: { className: 'person' }, growPx: 0 });
    expect(r.layers.map((l) => l.label)).toContain('person');
    const ours = await maskPixels(r.mask);
    expect([ours.width, ours.height]).toEqual([detail.image.width, detail.image.height]);
    const ref = await maskPixels(new Uint8Array(readFileSync(fixturePath('grace_hopper.mask.png'))));
    expect(iou(ours.data, ref.data)).toBeGreaterThan(0.85);
  }, 120_000);

  it('an unknown class is a clear error', async () => {
    const detail = (await service.call('projects.list', {}))[0]!;
    await expect(service.call('segment.select', { versionId: detail.headVersionId, target: { className: 'unicorn' } }))
      .rejects.toMatchObject({ message: expect.stringMatching(/unicorn/) });
  }, 60_000);
});
