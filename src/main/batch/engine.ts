/**
 * Runs a batch job: claims items one by one from SQLite, fills each with the
 * single-image pipeline, writes the output atomically next to nothing the
 * user owns, and records the outcome. The next image is read and decoded
 * while the current one is being filled. A failing image is recorded with
 * its reason and the job goes on; a killed process loses at most the item in
 * flight, which the next run redoes.
 */
import { promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { ImageFormat, InpaintParams } from '../../shared/api';
import { StudioError, toWireError } from '../../shared/errors';
import { maskBounds } from '../../shared/mask-ops';
import type { BatchCounts, BatchItemRow, BatchRepository } from '../history/batch-repository';
import { sha256, writeFileAtomic } from '../history/store';
import { pasteImage } from '../imaging/composite';
import { decodeImage, encodeLikeSource, extensionOf, formatOfExtension, readMetadata, type ImageProbe, type RawImage } from '../imaging/io';
import type { LoadedModel } from '../inference/models';
import { checkMaskUsable } from '../pipeline/mask-input';
import { runInpaint } from '../pipeline/inpaint';
import { contextRect } from '../pipeline/diffusion-stage';
import { fitMask, orientMask, readMaskFile, type MaskFit, type SizedMask } from './batch-mask';
import { findMaskFile, isInside, maskCandidates, sameFileId, type FileId } from './scan';
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

/**
 * Where the photo at `relPath` (in `format`) is written, relative to the
 * output folder: the photo's own name, with the suffix; its extension as the
 * photo spelt it (`IMG_0001.JPG` stays `.JPG`, `.jpeg` stays `.jpeg`) when it
 * already names the output's format, else the format's usual one.
 */
export function outputRelPath(relPath: string, format: ImageFormat, options: Pick<BatchOptions, 'format' | 'suffix'>): string {
  const p = path.parse(relPath);
  const target = options.format === 'keep' ? format : options.format;
  const ext = formatOfExtension(p.ext) === target ? p.ext.slice(1) : extensionOf(target);
  return path.join(p.dir, `${p.name}${options.suffix}.${ext}`);
}

export class BatchRunner {
  private sharedMask: Promise<SizedMask> | null = null;
  private folders: Promise<{ input: Stats; output: Stats; outputInsideInput: boolean }> | null = null;

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
    return path.join(this.outputDir, outputRelPath(relPath, probe.format, this.options));
  }

  private async read(item: BatchItemRow): Promise<Decoded> {
    const file = path.join(this.inputDir, item.relPath);
    const buf = await fs.readFile(file);
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    const { probe, image } = await decodeImage(bytes, item.relPath);
    return { bytes, probe, image };
  }

  /** The mask for an item and the file it came from (null when it was made, not read). */
  private async maskFor(item: BatchItemRow, d: Decoded, sourceId: FileId): Promise<{ data: Uint8Array; file: string | null }> {
    const strategy = this.options.mask;
    const swap = d.probe.orientation >= 5 && d.probe.orientation <= 8;
    switch (strategy.kind) {
      case 'mask': {
        this.sharedMask ??= fs.readFile(strategy.file).then((b) => readMaskFile(new Uint8Array(b), path.basename(strategy.file)));
        // Sensor orientation: fit to the stored size, then rotate like the pixels.
        const storedW = swap ? d.image.height : d.image.width;
        const storedH = swap ? d.image.width : d.image.height;
        const fitted = await fitMask(await this.sharedMask, storedW, storedH, strategy.fit);
        return { data: orientMask(fitted, d.probe.orientation).data, file: strategy.file };
      }
      case 'masks': {
        const file = await findMaskFile(strategy.dir, item.relPath, sourceId);
        const bytes = file ? await fs.readFile(file).catch(() => null) : null;
        if (!file || !bytes) {
          const names = maskCandidates(path.basename(item.relPath));
          throw new StudioError('NOT_FOUND', `no mask for ${item.relPath} in ${strategy.dir} (looked for ${names.join(', ')}${names[0] === path.basename(item.relPath) ? '; a photo is not its own mask' : ''})`);
        }
        // Per-image masks are drawn on the photo as displayed (after rotation).
        const m = await readMaskFile(new Uint8Array(bytes), path.relative(strategy.dir, file));
        return { data: (await fitMask(m, d.image.width, d.image.height, strategy.fit)).data, file };
      }
      case 'select': {
        if (!this.segmentation) throw new StudioError('NOT_AVAILABLE', `automatic masks (--select ${strategy.className}) need the segmentation models`);
        const { layers } = await this.segmentation.selectByClass(toRgb8(d.image), strategy.className);
        if (layers.length === 0) throw new StudioError('MASK_EMPTY', `no ${strategy.className} found in this photo`);
        return { data: composeLayers(layers, d.image.width, d.image.height), file: null };
      }
    }
  }

  /** The input and output folders as files (for comparisons that survive links and case-insensitive names). */
  private folderIds(): Promise<{ input: Stats; output: Stats; outputInsideInput: boolean }> {
    this.folders ??= (async () => {
      const input = await fs.stat(this.inputDir);
      const output = await fs.stat(this.outputDir);
      return { input, output, outputInsideInput: await isInside(this.outputDir, input) };
    })();
    return this.folders;
  }

  /** Another item of this job that claimed or wrote `out` (two photos with one output name), if any. */
  private async otherOwner(item: BatchItemRow, out: string): Promise<string | null> {
    for (const o of this.repo.outputOwners(this.jobId, item.id, out)) {
      if (o.outputPath === out) return o.relPath;
      // Differs only in case: the same file on a case-insensitive file system.
      const [a, b] = await Promise.all([fs.stat(o.outputPath).catch(() => null), fs.stat(out).catch(() => null)]);
      if (a && b && sameFileId(a, b)) return o.relPath;
    }
    return null;
  }

  private async processItem(item: BatchItemRow, decoded: Promise<Decoded>, signal: AbortSignal): Promise<{ status: 'done' | 'skipped'; reason: string | null; outputPath: string | null; outputHash: string | null; inputHash: string }> {
    const d = await decoded;
    const inputHash = sha256(d.bytes);
    const planned = this.outputPathFor(item.relPath, d.probe);
    // An attempt before an upgrade may have claimed another spelling of the same name (`IMG.jpg` for `IMG.JPG`): keep to it.
    const out = item.outputPath !== null && item.outputPath.toLowerCase() === planned.toLowerCase() ? item.outputPath : planned;
    const rel = path.relative(this.outputDir, out);
    const source = path.resolve(this.inputDir, item.relPath);
    const sourceId = await fs.stat(source);
    if (path.resolve(out) === source) throw new StudioError('FORBIDDEN_PATH', 'the output would overwrite the original');
    const other = await this.otherOwner(item, out);
    if (other !== null) {
      throw new StudioError('OUTPUT_EXISTS', `${item.relPath} and ${other} would both be written to ${rel}; put photos with the same name in separate folders`);
    }
    const existing = await fs.stat(out).catch(() => null);
    if (existing) {
      // Through a link, or a name that differs only in case, the output can be an original.
      if (sameFileId(existing, sourceId)) throw new StudioError('FORBIDDEN_PATH', `the output ${out} is the original itself (through a link or another spelling): originals are never overwritten`);
      const folders = await this.folderIds();
      if (!folders.outputInsideInput && await isInside(out, folders.input)) throw new StudioError('FORBIDDEN_PATH', `the output ${out} is inside the input folder: originals are never overwritten`);
      if (!existing.isFile()) throw new StudioError('OUTPUT_EXISTS', `${rel} exists and is not a file`);
      // Replaced only with --overwrite, or when this item claimed the path before an interrupted attempt wrote it.
      if (!this.options.overwrite && item.outputPath !== out) {
        return { status: 'skipped', reason: `${rel} already exists (use --overwrite)`, outputPath: null, outputHash: null, inputHash };
      }
    }
    let mask: { data: Uint8Array; file: string | null };
    try {
      mask = await this.maskFor(item, d, sourceId);
      checkMaskUsable(mask.data);
    } catch (err) {
      // Nothing to remove in this frame (e.g. no person found): leave it alone, say why.
      if (err instanceof StudioError && err.code === 'MASK_EMPTY') return { status: 'skipped', reason: err.message, outputPath: null, outputHash: null, inputHash };
      throw err;
    }
    if (existing && mask.file) {
      const maskId = await fs.stat(mask.file).catch(() => null);
      if (maskId && sameFileId(existing, maskId)) throw new StudioError('FORBIDDEN_PATH', `the output ${rel} is this photo's mask ${mask.file}: masks are never overwritten`);
    }
    const icc = this.model && d.probe.hasIcc ? (await readMetadata(d.bytes)).icc : null;
    const [sample] = await runInpaint({
      image: d.image, mask: mask.data, params: { ...this.options.params, samples: 1 }, signal,
      ...(this.model ? { model: this.model } : {}), ...(icc ? { icc } : {}),
    });
    const result: RawImage = { ...d.image, data: d.image.data.slice() };
    pasteImage(result, sample!.crop, sample!.region.x, sample!.region.y);
    const format = this.options.format === 'keep' ? d.probe.format : this.options.format;
    const encoded = await encodeLikeSource(d.bytes, d.probe, result, { format, quality: this.options.quality });
    // A file that appeared while this one was filled is someone else's.
    if (!existing && !this.options.overwrite && item.outputPath !== out && await fs.stat(out).then(() => true, () => false)) {
      return { status: 'skipped', reason: `${rel} appeared while this photo was filled; it was left alone (use --overwrite)`, outputPath: null, outputHash: null, inputHash };
    }
    // Claimed before writing: an attempt after a crash may replace this file, and no other.
    this.repo.claimOutput(item.id, out);
    await writeFileAtomic(out, encoded.bytes);
    if (this.options.contactSheet) await this.writeThumbs(item, d.image, result, mask.data);
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
        this.repo.finishItem(item.id, { status: r.status, ...(r.reason ? { errorCode: 'SKIPPED', error: r.reason } : {}), ...(r.outputPath ? { outputPath: r.outputPath } : {}), ...(r.outputHash ? { outputHash: r.outputHash } : {}), inputHash: r.inputHash, millis: Math.round(performance.now() - started) });
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
