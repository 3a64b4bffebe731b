/**
 * The `batch.*` methods of the contract: folder checks against the roots the
 * user allowed, starting jobs in the background, pause/resume/cancel, and
 * progress events.
 */
import path from 'node:path';
import type { EventMap, InpaintParams, ParsedRequestOf, ResponseOf } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import type { BatchRepository } from '../history/batch-repository';
import { sha256, writeFileAtomic } from '../history/store';
import type { AllowedFolders } from './allowed-folders';
import { readMaskFile } from './batch-mask';
import type { BatchManager } from './manager';
import { DEFAULT_TYPES } from './scan';
import { batchJobView } from './views';

export interface BatchEndpointDeps {
  readonly repo: BatchRepository;
  readonly manager: BatchManager;
  readonly folders: AllowedFolders;
  readonly dataDir: string;
  readonly pickFolder?: () => Promise<string | null>;
  readonly resolveParams: (p: InpaintParams) => Promise<InpaintParams>;
  readonly emit: (payload: EventMap['batch.progress']) => void;
  readonly onBug: (err: unknown) => void;
}

type BatchMethod = 'batch.folders' | 'batch.pickFolder' | 'batch.start' | 'batch.pause' | 'batch.resume' | 'batch.cancel' | 'batch.list' | 'batch.items';

export class BatchEndpoints {
  private readonly runs = new Map<number, Promise<void>>();

  constructor(private readonly d: BatchEndpointDeps) {}

  async handle<M extends BatchMethod>(method: M, req: ParsedRequestOf<M>): Promise<ResponseOf<M>> {
    return (await this.dispatch(method, req)) as ResponseOf<M>;
  }

  private async dispatch(method: BatchMethod, req: unknown): Promise<unknown> {
    const { repo, manager, folders } = this.d;
    switch (method) {
      case 'batch.folders': return folders.browse((req as ParsedRequestOf<'batch.folders'>).path);
      case 'batch.pickFolder': {
        if (!this.d.pickFolder) throw new StudioError('NOT_AVAILABLE', 'the folder dialog exists only in the desktop app; start browser mode with --allow-dir <folder>');
        const picked = await this.d.pickFolder();
        return picked === null ? null : { path: folders.add(picked) };
      }
      case 'batch.start': return this.start(req as ParsedRequestOf<'batch.start'>);
      case 'batch.pause': {
        const jobId = (req as ParsedRequestOf<'batch.pause'>).jobId;
        manager.pause(jobId);
        await this.runs.get(jobId)?.catch(() => undefined);
        return batchJobView(repo, jobId, false);
      }
      case 'batch.resume': {
        const jobId = (req as ParsedRequestOf<'batch.resume'>).jobId;
        const job = repo.job(jobId);
        await folders.check(job.inputDir, 'the input folder');
        await folders.check(job.outputDir, 'the output folder', false);
        this.runInBackground(jobId);
        return batchJobView(repo, jobId, true);
      }
      case 'batch.cancel': {
        const jobId = (req as ParsedRequestOf<'batch.cancel'>).jobId;
        manager.cancel(jobId);
        await this.runs.get(jobId)?.catch(() => undefined);
        return batchJobView(repo, jobId, false);
      }
      case 'batch.list': return repo.jobs().map((j) => batchJobView(repo, j.id, this.runs.has(j.id)));
      case 'batch.items': return repo.items((req as ParsedRequestOf<'batch.items'>).jobId)
        .map((i) => ({ relPath: i.relPath, status: i.status, attempts: i.attempts, error: i.error, millis: i.millis }));
    }
  }

  private async start(r: ParsedRequestOf<'batch.start'>): Promise<ResponseOf<'batch.start'>> {
    const inputDir = await this.d.folders.check(r.inputDir, 'the input folder');
    const outputDir = await this.d.folders.check(r.outputDir, 'the output folder', false);
    await readMaskFile(r.mask, 'the batch mask');
    const maskFile = path.join(this.d.dataDir, 'batch-masks', `${sha256(r.mask)}.png`);
    await writeFileAtomic(maskFile, r.mask);
    const params = await this.d.resolveParams({ ...r.params, samples: 1 });
    const { jobId } = await this.d.manager.create(inputDir, outputDir, {
      mask: { kind: 'mask', file: maskFile, fit: r.maskFit }, params, recursive: r.recursive, types: [...DEFAULT_TYPES],
      overwrite: r.overwrite, suffix: r.suffix, format: 'keep', quality: 95, contactSheet: true,
    }, false);
    this.runInBackground(jobId);
    return batchJobView(this.d.repo, jobId, true);
  }

  private runInBackground(jobId: number): void {
    if (this.runs.has(jobId)) return;
    const { repo } = this.d;
    const run = this.d.manager.run(jobId, (o) => {
      this.d.emit({ job: batchJobView(repo, jobId, true), last: { relPath: o.item.relPath, status: o.status, reason: o.reason } });
    }).then(() => {
      this.runs.delete(jobId);
      this.d.emit({ job: batchJobView(repo, jobId, false), last: null });
    }, (err: unknown) => {
      this.runs.delete(jobId);
      this.d.onBug(err);
    });
    this.runs.set(jobId, run);
  }

  /** Pauses every running job and waits for them (the app is closing). */
  async pauseAll(): Promise<void> {
    for (const jobId of this.runs.keys()) this.d.manager.pause(jobId);
    await Promise.all([...this.runs.values()].map((r) => r.catch(() => undefined)));
  }
}
