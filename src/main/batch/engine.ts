/**
 * Runs a batch job: claims items one by one from SQLite, fills each with the
 * single-image pipeline, writes the output atomically next to nothing the
 * user owns, and records the outcome. The next image is read and decoded
 * while the current one is being filled. A failing image is recorded with
 * its reason and the job goes on; a killed process loses at most the item in
 * flight, which the next run redoes.
 */
import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { ImageFormat, InpaintParams } from '../../shared/api';
import { StudioError, toWireError } from '../../shared/errors';
import { maskBounds } from '../../shared/mask-ops';
import type { BatchCounts, BatchItemRow, BatchRepository } from '../history/batch-repository';
import { sha256, writeFileAtomic } from '../history/store';
import { pasteImage } from '../imaging/composite';
import { decodeImage, encodeLikeSource, extensionOf, type ImageProbe, type RawImage } from '../imaging/io';
import type { LoadedModel } from '../inference/models';
import { checkMaskUsable } from '../pipeline/mask-input';
import { runInpaint } from '../pipeline/inpaint';
import { contextRect } from '../pipeline/diffusion-stage';
import { fitMask, orientMask, readMaskFile, type MaskFit, type SizedMask } from './batch-mask';
import { composeLayers, type SegmentationEngine } from '../segmentation/engine';
import { toRgb8 } from '../segmentation/image';

export type MaskStrategy =
  | { readonly kind: 'mask'; readonly file: string; readonly fit: MaskFit }
  | { readonly kind: 'masks'; readonly dir: string; readonly fit: MaskFit }
  | { readonly kind: 'select'; readonly className: string };

export interface BatchOptions {
  readonly mask: MaskStrategy;
  readonly params: InpaintParams;
  readonly recursive: boolean;
  readonly types: readonly string[];
  readonly overwrite: boolean;
  /** Appended to the output file's stem; '' keeps the name (in another folder). */
  readonly suffix: string;
  readonly format: ImageFormat | 'keep';
  readonly quality: number;
  readonly contactSheet: boolean;
}

export interface BatchItemOutcome {
  readonly item: BatchItemRow;
  readonly status: 'done' | 'failed' | 'skipped';
  readonly reason: string | null;
  readonly millis: number;
  readonly counts: BatchCounts;
}

interface Decoded { readonly bytes: Uint8Array; readonly probe: ImageProbe; readonly image: RawImage }

/** The names writeFileAtomic gives its temporary files. */
const TEMPORARY = /^\..+\.[0-9a-f]{12}\.tmp$/;

const MASK_NAMES = (stem: string) => [`${stem}.png`, `${stem}.mask.png`, `${stem}-mask.png`, `${stem}_mask.png`];

export class BatchRunner {
  private sharedMask: Promise<SizedMask> | null = null;

  constructor(
    private readonly repo: BatchRepository,
    private readonly jobId: number,
    private readonly inputDir: string,
    private readonly outputDir: string,
    private readonly options: BatchOptions,
    private readonly model?: LoadedModel,
    private readonly segmentation?: SegmentationEngine,
  ) {}

  outputPathFor(relPath: string, probe: ImageProbe): string {
    const p = path.parse(relPath);
    const format = this.options.format === 'keep' ? probe.format : this.options.format;
    return path.join(this.outputDir, p.dir, `${p.name}${this.options.suffix}.${extensionOf(format)}`);
  }

  private async read(item: BatchItemRow): Promise<Decoded> {
    const file = path.join(this.inputDir, item.relPath);
    const buf = await fs.readFile(file);
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    const { probe, image } = await decodeImage(bytes, item.relPath);
    return { bytes, probe, image };
  }

  private async maskFor(item: BatchItemRow, d: Decoded): Promise<Uint8Array> {
    const strategy = this.options.mask;
    const swap = d.probe.orientation >= 5 && d.probe.orientation <= 8;
    switch (strategy.kind) {
      case 'mask': {
        this.sharedMask ??= fs.readFile(strategy.file).then((b) => readMaskFile(new Uint8Array(b), path.basename(strategy.file)));
        // Sensor orientation: fit to the stored size, then rotate like the pixels.
        const storedW = swap ? d.image.height : d.image.width;
        const storedH = swap ? d.image.width : d.image.height;
        const fitted = await fitMask(await this.sharedMask, storedW, storedH, strategy.fit);
        return orientMask(fitted, d.probe.orientation).data;
      }
      case 'masks': {
        const stem = path.join(path.dirname(item.relPath), path.parse(item.relPath).name);
        for (const name of MASK_NAMES(stem)) {
          const file = path.join(strategy.dir, name);
          const bytes = await fs.readFile(file).catch(() => null);
          if (!bytes) continue;
          // Per-image masks are drawn on the photo as displayed (after rotation).
          const m = await readMaskFile(new Uint8Array(bytes), name);
          return (await fitMask(m, d.image.width, d.image.height, strategy.fit)).data;
        }
        throw new StudioError('NOT_FOUND', `no mask for ${item.relPath} in ${strategy.dir} (looked for ${MASK_NAMES(path.parse(item.relPath).name).join(', ')})`);
      }
      case 'select': {
        if (!this.segmentation) throw new StudioError('NOT_AVAILABLE', `automatic masks (--select ${strategy.className}) need the segmentation models`);
        const { layers } = await this.segmentation.selectByClass(toRgb8(d.image), strategy.className);
        if (layers.length === 0) throw new StudioError('MASK_EMPTY', `no ${strategy.className} found in this photo`);
        return composeLayers(layers, d.image.width, d.image.height);
      }
    }
  }

  private async processItem(item: BatchItemRow, decoded: Promise<Decoded>, signal: AbortSignal): Promise<{ status: 'done' | 'skipped'; reason: string | null; outputPath: string; outputHash: string | null; inputHash: string }> {
    const d = await decoded;
    const inputHash = sha256(d.bytes);
    const out = this.outputPathFor(item.relPath, d.probe);
    const source = path.resolve(this.inputDir, item.relPath);
    if (path.resolve(out) === source) throw new StudioError('FORBIDDEN_PATH', 'the output would overwrite the original');
    // An output left by this item's own interrupted attempt is ours to replace.
    const exists = await fs.access(out, fsConstants.F_OK).then(() => true, () => false);
    if (exists && !this.options.overwrite && item.attempts <= 1) {
      return { status: 'skipped', reason: `${path.relative(this.outputDir, out)} already exists (use --overwrite)`, outputPath: out, outputHash: null, inputHash };
    }
    let mask: Uint8Array;
    try {
      mask = await this.maskFor(item, d);
      checkMaskUsable(mask);
    } catch (err) {
      // Nothing to remove in this frame (e.g. no person found): leave it alone, say why.
      if (err instanceof StudioError && err.code === 'MASK_EMPTY') return { status: 'skipped', reason: err.message, outputPath: out, outputHash: null, inputHash };
      throw err;
    }
    const [sample] = await runInpaint({ image: d.image, mask, params: { ...this.options.params, samples: 1 }, signal, ...(this.model ? { model: this.model } : {}) });
    const result: RawImage = { ...d.image, data: d.image.data.slice() };
    pasteImage(result, sample!.crop, sample!.region.x, sample!.region.y);
    const format = this.options.format === 'keep' ? d.probe.format : this.options.format;
    const encoded = await encodeLikeSource(d.bytes, d.probe, result, { format, quality: this.options.quality });
    await writeFileAtomic(out, encoded.bytes);
    if (this.options.contactSheet) await this.writeThumbs(item, d.image, result, mask);
    return { status: 'done', reason: null, outputPath: out, outputHash: sha256(encoded.bytes), inputHash };
  }

  /** Before/after crops around the changed region, for the contact sheet. */
  private async writeThumbs(item: BatchItemRow, before: RawImage, after: RawImage, mask: Uint8Array): Promise<void> {
    const box = maskBounds(mask, before.width, before.height);
    if (!box) return;
    const grown = contextRect(box, before.width, before.height, 1, 64);
    const dir = path.join(this.outputDir, 'contact-sheet');
    for (const [name, img] of [['before', before], ['after', after]] as const) {
      let p = sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } });
      if (img.depth === 16) p = p.toColourspace('srgb');
      const jpg = await p.extract({ left: grown.x, top: grown.y, width: grown.width, height: grown.height })
        .resize(256, 256, { fit: 'inside' }).removeAlpha().jpeg({ quality: 80 }).toBuffer();
      await writeFileAtomic(path.join(dir, `${item.id}-${name}.jpg`), new Uint8Array(jpg));
    }
  }

  /** Removes temporary files a killed process left mid-write (never a finished output). */
  private async removeStaleTemporaries(dir: string): Promise<void> {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await this.removeStaleTemporaries(full);
      else if (TEMPORARY.test(e.name)) await fs.rm(full, { force: true });
    }
  }

  /** Processes items until none is pending or `signal` aborts (pause/cancel: the item in flight finishes or is abandoned). */
  async run(signal: AbortSignal, onItem?: (o: BatchItemOutcome) => void): Promise<BatchCounts> {
    if (this.repo.requeueInterrupted(this.jobId) > 0) await this.removeStaleTemporaries(this.outputDir);
    let item = this.repo.claimNext(this.jobId);
    let decoded: Promise<Decoded> | null = item ? this.read(item) : null;
    while (item && decoded) {
      decoded.catch(() => undefined); // handled when awaited below
      const started = performance.now();
      // Read and decode the next image while this one is filled.
      const next = this.repo.peekPending(this.jobId, item.id);
      const nextDecoded = next ? this.read(next) : null;
      nextDecoded?.catch(() => undefined);
      let status: 'done' | 'failed' | 'skipped';
      let reason: string | null = null;
      try {
        const r = await this.processItem(item, decoded, signal);
        status = r.status;
        reason = r.reason;
        this.repo.finishItem(item.id, { status: r.status, ...(r.reason ? { errorCode: 'SKIPPED', error: r.reason } : {}), outputPath: r.outputPath, ...(r.outputHash ? { outputHash: r.outputHash } : {}), inputHash: r.inputHash, millis: Math.round(performance.now() - started) });
      } catch (err) {
        const wire = toWireError(err);
        if (wire.code === 'CANCELLED' || signal.aborted) {
          this.repo.requeueInterrupted(this.jobId); // the item goes back to pending for the next run
          break;
        }
        if (!(err instanceof StudioError)) throw err;
        status = 'failed';
        reason = wire.message;
        this.repo.finishItem(item.id, { status: 'failed', errorCode: wire.code, error: wire.message, millis: Math.round(performance.now() - started) });
      }
      onItem?.({ item, status, reason, millis: Math.round(performance.now() - started), counts: this.repo.counts(this.jobId) });
      if (signal.aborted) break;
      item = this.repo.claimNext(this.jobId);
      decoded = item && next && item.id === next.id && nextDecoded ? nextDecoded : item ? this.read(item) : null;
    }
    return this.repo.counts(this.jobId);
  }
}
