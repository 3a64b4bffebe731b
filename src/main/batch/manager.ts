/**
 * Batch jobs as the service sees them: create (scan the folder, one row per
 * image), run with pause/cancel, resume after a crash, and report.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../../shared/errors';
import type { BatchCounts, BatchJobRow, BatchRepository } from '../history/batch-repository';
import type { LoadedModel } from '../inference/models';
import { BatchRunner, type BatchItemOutcome, type BatchOptions } from './engine';
import { SegmentationEngine } from '../segmentation/engine';
import { scanFolder } from './scan';
import { writeContactSheet } from './contact-sheet';

export interface BatchSummary {
  readonly jobId: number;
  readonly counts: BatchCounts;
  readonly seconds: number;
  readonly failures: readonly { relPath: string; reason: string }[];
  readonly contactSheet: string | null;
  readonly status: BatchJobRow['status'];
}

async function checkDir(dir: string, what: string): Promise<void> {
  const st = await fs.stat(dir).catch(() => null);
  if (!st) throw new StudioError('NOT_FOUND', `${what} ${dir} does not exist`);
  if (!st.isDirectory()) throw new StudioError('BAD_REQUEST', `${what} ${dir} is not a folder`);
}

export class BatchManager {
  private readonly running = new Map<number, AbortController>();

  constructor(private readonly repo: BatchRepository, private readonly loadModel: (id: string) => Promise<LoadedModel>) {}

  /** A new job, or (resume = true) the latest job for the same folders (a finished one just reports). */
  async create(inputDir: string, outputDir: string, options: BatchOptions, resume: boolean): Promise<{ jobId: number; resumed: boolean }> {
    const input = path.resolve(inputDir);
    const output = path.resolve(outputDir);
    await checkDir(input, 'the input folder');
    if (output === input) throw new StudioError('FORBIDDEN_PATH', 'the output folder must differ from the input folder: originals are never overwritten');
    if (resume) {
      const existing = this.repo.latestJobFor(input, output);
      if (existing) return { jobId: existing.id, resumed: true };
    }
    if (options.mask.kind === 'mask') await fs.access(options.mask.file).catch(() => { throw new StudioError('NOT_FOUND', `mask ${options.mask.kind === 'mask' ? options.mask.file : ''} does not exist`); });
    if (options.mask.kind === 'masks') await checkDir(options.mask.dir, 'the masks folder');
    await fs.mkdir(output, { recursive: true });
    // Outputs written inside the input folder must not become inputs of a later scan.
    const outputInsideInput = output.startsWith(input + path.sep);
    const files = await scanFolder(input, { recursive: options.recursive, types: options.types, exclude: outputInsideInput ? [output] : [] });
    if (files.length === 0) throw new StudioError('NOT_FOUND', `no images (${options.types.join(', ')}) in ${input}${options.recursive ? '' : ' (add --recursive for subfolders)'}`);
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
      const sheet = options.contactSheet ? await writeContactSheet(job.outputDir, `Batch ${jobId}: ${path.basename(job.inputDir)}`, this.repo.items(jobId), counts, seconds) : null;
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
      failures: items.filter((i) => i.status === 'failed' || i.status === 'skipped').map((i) => ({ relPath: i.relPath, reason: i.error ?? i.status })),
    };
  }
}
