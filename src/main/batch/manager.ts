/**
 * Batch jobs as the service sees them: create (scan the folder, one row per
 * image), run with pause/cancel, resume after a crash, and report.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import { makeDir } from '../make-dir';
import { formatOfExtension } from '../imaging/io';
import type { BatchCounts, BatchJobRow, BatchRepository } from '../history/batch-repository';
import type { LoadedModel } from '../inference/models';
import { BatchRunner, outputRelPath, type BatchItemOutcome, type BatchOptions } from './engine';
import { readMaskFile } from './batch-mask';
import { checkMaskUsable } from '../pipeline/mask-input';
import { SegmentationEngine } from '../segmentation/engine';
import { pathInside, sameFileId, scanFolder, withoutMasks } from './scan';
import { writeContactSheet } from './contact-sheet';

export interface BatchSummary {
  readonly jobId: number;
  readonly counts: BatchCounts;
  readonly seconds: number;
  /** Photos not written: failed (a problem) or skipped (output exists, nothing to remove). */
  readonly failures: readonly { relPath: string; reason: string; status: 'failed' | 'skipped'; code: string | null }[];
  readonly contactSheet: string | null;
  readonly status: BatchJobRow['status'];
}

async function checkDir(dir: string, what: string): Promise<void> {
  const st = await fs.stat(dir).catch(() => null);
  if (!st) throw new StudioError('NOT_FOUND', `${what} ${dir} does not exist`);
  if (!st.isDirectory()) throw new StudioError('BAD_REQUEST', `${what} ${dir} is not a folder`);
}

/** A shared mask that cannot be read, a missing masks folder or a class the detector does not know fails the job once, not every photo. */
async function checkMaskStrategy(options: BatchOptions): Promise<void> {
  const strategy = options.mask;
  switch (strategy.kind) {
    case 'mask': {
      const st = await fs.stat(strategy.file).catch(() => null);
      if (!st) throw new StudioError('NOT_FOUND', `mask ${strategy.file} does not exist`);
      if (!st.isFile()) throw new StudioError('BAD_MASK', `mask ${strategy.file} is not a file`);
      const bytes = await fs.readFile(strategy.file).catch((err: Error) => { throw new StudioError('BAD_MASK', `mask ${strategy.file} could not be read: ${err.message}`); });
      const mask = await readMaskFile(new Uint8Array(bytes), `mask ${strategy.file}`);
      checkMaskUsable(mask.data);
      return;
    }
    case 'masks':
      return checkDir(strategy.dir, 'the masks folder');
    case 'select': {
      const segmentation = SegmentationEngine.create();
      try {
        const classes = await segmentation.classNames();
        if (!classes.includes(strategy.className)) throw new StudioError('BAD_REQUEST', `"${strategy.className}" is not a class the detector knows (${classes.join(', ')})`);
      } finally {
        await segmentation.close();
      }
    }
  }
}

/**
 * Output names shared by more than one photo (`x.jpg` and `x.png` with
 * --format png; `x.JPG` and `x.jpg`), judged by extension and regardless of
 * case, as the run itself judges them: on a case-insensitive disk they are
 * one file.
 */
function outputCollisions(files: readonly string[], options: Pick<BatchOptions, 'format' | 'suffix'>): string[][] {
  const byOutput = new Map<string, { out: string; photos: string[] }>();
  for (const f of files) {
    const format = formatOfExtension(path.extname(f));
    if (!format) continue; // not an image we can read: it fails on its own
    const out = outputRelPath(f, format, options);
    const entry = byOutput.get(out.toLowerCase()) ?? { out, photos: [] };
    entry.photos.push(f);
    byOutput.set(out.toLowerCase(), entry);
  }
  return [...byOutput.values()].filter((e) => e.photos.length > 1).map((e) => [...e.photos, e.out]);
}

/**
 * Two photos that would be written to one output file fail the whole job up
 * front, nothing written: which one "won" would depend on the order, and the
 * other's result would be lost.
 */
function checkOutputNames(files: readonly string[], options: BatchOptions): void {
  const collisions = outputCollisions(files, options);
  if (collisions.length === 0) return;
  const shown = collisions.slice(0, 5).map((c) => `${c.slice(0, -1).join(' and ')} → ${c.at(-1)!}`).join('; ');
  const more = collisions.length > 5 ? `; and ${collisions.length - 5} more` : '';
  const keepFixes = options.format !== 'keep' && outputCollisions(files, { ...options, format: 'keep' }).length === 0;
  throw new StudioError('BAD_REQUEST', `photos would be written to the same output file: ${shown}${more}. Put photos with the same name in separate folders${keepFixes ? ' or keep each photo\'s format (--format keep)' : ''}`);
}

export class BatchManager {
  private readonly running = new Map<number, AbortController>();

  constructor(private readonly repo: BatchRepository, private readonly loadModel: (id: string) => Promise<LoadedModel>) {}

  /**
   * The newest job for these folders, also when they were named another way
   * (a link, a mount, case on a case-insensitive disk): compared by device
   * and inode, as everywhere batch decides "the same folder". `exact`, the
   * newest job with these very path strings, is the answer unless a newer
   * job reached the folders by another name; only jobs newer than it are
   * looked at (each costs two stats, and an old job's folder may be on a
   * drive that is gone).
   */
  private async jobForSameFolders(input: string, output: string, exact: BatchJobRow | null): Promise<BatchJobRow | null> {
    const stat = (p: string) => fs.stat(p).catch(() => null);
    const [inputId, outputId] = [await stat(input), await stat(output)];
    if (!inputId || !outputId) return exact;
    for (const job of this.repo.jobs()) {
      if (exact && job.id <= exact.id) break;
      const [i, o] = [await stat(job.inputDir), await stat(job.outputDir)];
      if (i && o && sameFileId(i, inputId) && sameFileId(o, outputId)) return job;
    }
    return exact;
  }

  /**
   * A new job, or (resume = true) the latest job for the same folders (a
   * finished one just reports). Whole-batch problems (no earlier job to
   * resume, an unreadable shared mask, an unknown class, two photos with one
   * output name) fail here, once, before anything is written.
   */
  async create(inputDir: string, outputDir: string, options: BatchOptions, resume: boolean): Promise<{ jobId: number; resumed: boolean }> {
    const input = path.resolve(inputDir);
    const output = path.resolve(outputDir);
    await checkDir(input, 'the input folder');
    if (output === input) throw new StudioError('FORBIDDEN_PATH', 'the output folder must differ from the input folder: originals are never overwritten');
    if (resume) {
      const existing = await this.jobForSameFolders(input, output, this.repo.latestJobFor(input, output));
      if (existing) return { jobId: existing.id, resumed: true };
      throw new StudioError('BAD_REQUEST', `there is no earlier batch job for ${input} → ${output} to resume; run without --resume to start one`);
    }
    await checkMaskStrategy(options);
    const outStat = await fs.stat(output).catch(() => null);
    if (outStat && !outStat.isDirectory()) throw new StudioError('BAD_REQUEST', `the output folder ${output} is not a folder`);
    await makeDir(output);
    // Compared as files, not path strings: a link or another spelling of a name can be the input folder.
    const inputId = await fs.stat(input);
    if (sameFileId(inputId, await fs.stat(output))) {
      throw new StudioError('FORBIDDEN_PATH', `the output folder ${output} is the input folder ${input} (through a link or another spelling): originals are never overwritten`);
    }
    // Outputs written inside the input folder must not become inputs of a later scan.
    let files = await scanFolder(input, { recursive: options.recursive, types: options.types, exclude: [output] });
    if (options.mask.kind === 'masks') {
      // Masks kept next to the photos are masks, not photos to fill.
      const masksInInput = await pathInside(options.mask.dir, inputId);
      if (masksInInput !== null) files = await withoutMasks(input, files, options.mask.dir, masksInInput);
    }
    if (options.mask.kind === 'mask') {
      const maskId = await fs.stat(options.mask.file);
      const kept: string[] = [];
      for (const f of files) if (!sameFileId(await fs.stat(path.join(input, f)), maskId)) kept.push(f);
      files = kept;
    }
    if (files.length === 0) throw new StudioError('NOT_FOUND', `no images (${options.types.join(', ')}) in ${input}${options.recursive ? '' : ' (add --recursive for subfolders)'}`);
    checkOutputNames(files, options);
    return { jobId: this.repo.createJob(input, output, options, files), resumed: false };
  }

  async run(jobId: number, onItem?: (o: BatchItemOutcome) => void): Promise<BatchSummary> {
    if (this.running.has(jobId)) throw new StudioError('BAD_REQUEST', `batch job ${jobId} is already running`);
    const job = this.repo.job(jobId);
    if (job.status === 'done') return this.summary(jobId, 0);
    const options = job.options as BatchOptions;
    const abort = new AbortController();
    this.running.set(jobId, abort);
    this.repo.setJobStatus(jobId, 'running');
    const started = performance.now();
    try {
      const model = options.params.method === 'diffusion' && options.params.model ? await this.loadModel(options.params.model) : undefined;
      const segmentation = options.mask.kind === 'select' ? SegmentationEngine.create() : undefined;
      const runner = new BatchRunner(this.repo, jobId, job.inputDir, job.outputDir, options, model, segmentation);
      const counts = await runner.run(abort.signal, onItem).finally(() => segmentation?.close());
      const reason = abort.signal.reason as string | undefined;
      this.repo.setJobStatus(jobId, counts.pending === 0 && counts.running === 0 ? 'done' : reason === 'cancel' ? 'cancelled' : 'paused');
      const seconds = (performance.now() - started) / 1000;
      const sheet = options.contactSheet ? await writeContactSheet(job.outputDir, jobId, `Batch ${jobId}: ${path.basename(job.inputDir)}`, this.repo.items(jobId), counts, seconds) : null;
      return { ...this.summary(jobId, seconds), contactSheet: sheet };
    } finally {
      this.running.delete(jobId);
    }
  }

  pause(jobId: number): boolean {
    const a = this.running.get(jobId);
    a?.abort('pause');
    return a !== undefined;
  }

  cancel(jobId: number): boolean {
    const a = this.running.get(jobId);
    if (a) a.abort('cancel');
    else this.repo.setJobStatus(jobId, 'cancelled');
    return true;
  }

  summary(jobId: number, seconds: number): BatchSummary {
    const items = this.repo.items(jobId);
    return {
      jobId, seconds, counts: this.repo.counts(jobId), status: this.repo.job(jobId).status, contactSheet: null,
      failures: items.flatMap((i) => (i.status === 'failed' || i.status === 'skipped' ? [{ relPath: i.relPath, reason: i.error ?? i.status, status: i.status, code: i.errorCode }] : [])),
    };
  }
}
