/**
 * One-click spot heal on a 24-MP JPEG, as the editor drives it: the disc
 * mask encoded as the PNG of its bounding box (as the renderer does), `jobs.inpaint`
 * (one PatchMatch sample), `versions.apply`, then the new version's display
 * proxy (what the editor loads next). Several heals in a row, each on the
 * version the previous one made. The reference, measured in the same run, is
 * the bare PatchMatch fill of the same spot (runInpaint on decoded pixels).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { StudioService } from '../src/main/service';
import { decodeImage } from '../src/main/imaging/io';
import { runInpaint } from '../src/main/pipeline/inpaint';
import { encodeMaskRegion } from '../src/renderer/mask/maskPng';
import { spotMask, spotParams } from '../src/renderer/tools/spot-heal/spotMask';
import { readRow } from '../src/renderer/mask/tiledMask';
import { photoLikeImage } from './lib/photoLikeImage';
import { formatTable } from './lib/table';
import { median } from './lib/timing';
import { loadWarning, writeBenchResults } from './lib/results';

const W = 6000, H = 4000, RADIUS = 14, HEALS = Number(process.env.BENCH_HEALS ?? 6);

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bench-heal-'));
  try {
    const img = await photoLikeImage(W, H);
    const jpeg = new Uint8Array(await sharp(img.data, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 92 }).toBuffer());
    const service = new StudioService({ dataDir: path.join(root, 'data'), mode: 'cli', version: 'bench' });
    const detail = await service.call('images.import', { fileName: 'dusty.jpg', bytes: jpeg });
    const projectId = detail.project.id;
    let versionId = detail.project.headVersionId;
    const spots = Array.from({ length: HEALS }, (_, i) => ({ x: 700 + i * 800 + 0.5, y: 900 + (i % 3) * 1000 + 0.5, radius: RADIUS }));
    const params = spotParams(0);

    const rows: { encodeMs: number; fillMs: number; applyMs: number; proxyMs: number; totalMs: number }[] = [];
    for (const spot of spots) {
      const t0 = performance.now();
      const mask = await encodeMaskRegion(spotMask(W, H, spot)!);
      const t1 = performance.now();
      const job = await service.call('jobs.inpaint', { projectId, versionId, mask, params, purpose: 'spot-heal' });
      await service.waitForJob(job.jobId);
      const t2 = performance.now();
      const applied = await service.call('versions.apply', { runId: job.runId, sampleIndex: 0 });
      versionId = applied.project.headVersionId;
      const t3 = performance.now();
      await service.readFile({ kind: 'version-proxy', id: versionId });
      const t4 = performance.now();
      rows.push({ encodeMs: t1 - t0, fillMs: t2 - t1, applyMs: t3 - t2, proxyMs: t4 - t3, totalMs: t4 - t0 });
    }

    // Reference: PatchMatch alone on the same spots, pixels already decoded.
    const { image } = await decodeImage(jpeg, 'dusty.jpg');
    const bare: number[] = [];
    for (const spot of spots) {
      const m = spotMask(W, H, spot)!;
      const plane = new Uint8Array(W * H);
      for (let y = Math.floor(spot.y - RADIUS - 1); y <= spot.y + RADIUS + 1; y++) readRow(m, y, plane, y * W);
      const t0 = performance.now();
      await runInpaint({ image, mask: plane, params });
      bare.push(performance.now() - t0);
    }
    await service.close();

    const med = (k: keyof (typeof rows)[number]): number => median(rows.map((r) => r[k]));
    const refMs = median(bare);
    // The first heal also decodes the photo; the later ones show the steady state of successive clicks.
    const later = rows.slice(1).map((r) => r.totalMs);
    console.log(formatTable(['step', 'median ms'], [
      ['mask PNG encode (renderer side)', med('encodeMs').toFixed(0)],
      ['jobs.inpaint until finished', med('fillMs').toFixed(0)],
      ['versions.apply', med('applyMs').toFixed(0)],
      ['new version display proxy', med('proxyMs').toFixed(0)],
      ['whole heal, first click', rows[0]!.totalMs.toFixed(0)],
      ['whole heal, later clicks (median)', median(later).toFixed(0)],
      ['reference: bare PatchMatch of the spot', refMs.toFixed(0)],
      ['ratio later clicks / reference', (median(later) / refMs).toFixed(2)],
    ]));
    const warn = loadWarning();
    if (warn) console.log(warn);
    writeBenchResults('spot-heal', { width: W, height: H, radius: RADIUS, heals: rows, bareMs: bare, laterMedianMs: median(later), referenceMedianMs: refMs });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
