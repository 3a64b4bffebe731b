/**
 * The studio service: implements the contract of src/shared/api.ts once.
 * The Electron, browser-mode and CLI adapters are thin layers over it.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  MAX_SAMPLES, requestSchemas, isMethod,
  type AppInfo, type EventMap, type EventName, type FileRef, type InpaintParams, type Method,
  type ParsedRequestOf, type ProjectDetail, type ProjectSummary, type ResponseOf, type RunParams, type StudioEvent,
} from '../shared/api';
import { maskEmptyError, StudioError, toWireError } from '../shared/errors';
import { makeDirSync } from './make-dir';
import { resolveWorkingEdge } from '../shared/manifest';
import { estimateFillMs } from './pipeline/estimate';
import { openDatabase, type Db } from './history/db';
import { HistoryRepository } from './history/repository';
import { DraftEndpoints } from './history/draft-endpoints';
import { BlobStore, writeFileAtomic } from './history/store';
import { exportName, VersionPixels, type LoadedVersion } from './history/version-pixels';
import { checkFileName, decodeImage, encodeRaw, probeImage, readMetadata, type EncodedOutput } from './imaging/io';
import { RegionReader } from './imaging/region';
import { checkCoverageUsable, decodeMaskRegion, type PlacedMask } from './pipeline/mask-input';
import { grownHole } from './pipeline/effective-mask';
import { runInpaint } from './pipeline/inpaint';
import { DEFAULT_DIFFUSION_STEPS } from './pipeline/methods';
import { diffusionWork } from './pipeline/holes';
import { ModelCatalog, modelRoots, PHOTO_MODEL_ID } from './inference/catalog';
import { summarise } from './inference/models';
import { explainFallback } from './inference/session';
import { BatchManager } from './batch/manager';
import { BatchRepository } from './history/batch-repository';
import { AllowedFolders } from './batch/allowed-folders';
import { BatchEndpoints } from './batch/batch-endpoints';
import { SegmentationEngine } from './segmentation/engine';
import { segmentImage } from './segmentation/cli';
import { toRgb8 } from './segmentation/image';
import { packageRoot } from './workers/paths';

export interface HostCapabilities {
  /** Electron: show an open dialog and return the chosen path (null if cancelled). */
  pickImageFile?(): Promise<string | null>;
  /** Electron: show a save dialog. */
  pickSavePath?(suggestedName: string): Promise<string | null>;
  /** Electron: pick a folder (batch input/output). */
  pickFolder?(): Promise<string | null>;
}

export interface ServiceOptions {
  readonly dataDir: string;
  readonly mode: 'electron' | 'browser' | 'cli';
  readonly version: string;
  readonly host?: HostCapabilities;
  /** Where unexpected errors (bugs) in background jobs are reported. */
  readonly onBug?: (err: unknown) => void;
  /** Folders holding model folders; default: the app's models/ and <dataDir>/models. */
  readonly modelRoots?: readonly string[];
  /** Longest edge of the diffusion working resolution. */
  readonly maxWorkingEdge?: number;
  /** Folders batch requests may use (browser mode: --allow-dir). */
  readonly batchRoots?: readonly string[];
  /** A blob nothing live refers to is removed only if no put touched it for this long (default 10 min; tests use 0). */
  readonly blobSweepIdleMs?: number;
}

/** A put inserts its row moments after storing the blob; ten minutes leaves a wide margin. */
const BLOB_IDLE_MS = 10 * 60_000;

function defaultBugReport(err: unknown): void {
  console.error('Inpaint Studio: unexpected error in a background job:', err);
}

interface Job {
  readonly id: string;
  readonly runId: number;
  readonly abort: AbortController;
  readonly done: Promise<void>;
}


type Listener = (event: StudioEvent) => void;

export class StudioService {
  readonly repo: HistoryRepository;
  private readonly db: Db;
  private readonly store: BlobStore;
  private readonly listeners = new Set<Listener>();
  private readonly jobs = new Map<string, Job>();
  private queue: Promise<void> = Promise.resolve();
  private readonly pixels: VersionPixels;
  private readonly regions: RegionReader;
  readonly models: ModelCatalog;
  readonly batch: BatchManager;
  private readonly batchRepo: BatchRepository;
  readonly allowedFolders: AllowedFolders;
  private readonly batchEndpoints: BatchEndpoints;
  private readonly drafts: DraftEndpoints;

  constructor(readonly options: ServiceOptions) {
    makeDirSync(options.dataDir);
    this.db = openDatabase(path.join(options.dataDir, 'history.sqlite'));
    this.repo = new HistoryRepository(this.db);
    this.store = new BlobStore(path.join(options.dataDir, 'store'));
    this.pixels = new VersionPixels(this.repo, this.store, path.join(options.dataDir, 'cache'));
    this.regions = new RegionReader(this.pixels);
    this.drafts = new DraftEndpoints(this.repo, this.store);
    this.repo.failInterruptedRuns();
    this.models = new ModelCatalog(options.modelRoots ?? modelRoots(packageRoot(), options.dataDir));
    this.batchRepo = new BatchRepository(this.db);
    this.batch = new BatchManager(this.batchRepo, (id) => this.models.load(id));
    this.allowedFolders = new AllowedFolders(options.batchRoots ?? []);
    this.batchEndpoints = new BatchEndpoints({
      repo: this.batchRepo, manager: this.batch, folders: this.allowedFolders, dataDir: options.dataDir,
      ...(options.host?.pickFolder ? { pickFolder: options.host.pickFolder } : {}),
      resolveParams: (p) => this.resolveParams(p),
      emit: (payload) => this.emit('batch.progress', payload),
      onBug: this.reportBug,
    });
    // Blobs no live project refers to (deleted projects, replaced drafts, interrupted writes), when idle.
    this.sweeping = this.collectBlobs().catch(this.reportBug);
  }

  /** Start-up: tidies the blob folder, queues every blob nothing live refers to, and sweeps. */
  private async collectBlobs(): Promise<void> {
    const stored = await this.store.tidy(this.options.blobSweepIdleMs ?? BLOB_IDLE_MS);
    if (this.closed) return;
    this.repo.queueUnreferenced(stored);
    await this.sweepBlobs();
  }

  private sweeping: Promise<unknown> = Promise.resolve();

  /** Unexpected errors (bugs) in background work: the caller's handler, else stderr. */
  private readonly reportBug = (err: unknown): void => (this.options.onBug ?? defaultBugReport)(err);

  /**
   * Removes queued blobs that no live project refers to
   * and that no put touched for blobSweepIdleMs; the rest stay queued for the
   * next sweep (after the next delete, or at the next start).
   */
  private async sweepBlobs(): Promise<void> {
    const idle = this.options.blobSweepIdleMs ?? BLOB_IDLE_MS;
    if (this.closed) return;
    for (const { hash, live } of this.repo.sweepCandidates()) {
      try {
        const outcome = live ? 'live' : await this.store.removeIfIdle(hash, idle);
        if (this.closed) return;
        if (outcome !== 'recent') this.repo.unqueueSweep(hash);
      } catch (err) {
        // e.g. a file held open by another program: it stays queued for the next sweep
        this.reportBug(err);
      }
    }
  }

  private closed = false;

  /**
   * Deletes a project: it leaves every list at once (its rows stay as a
   * tombstone so no id is reused), its cached proxies go, and its pixels are
   * swept when nothing live refers to them.
   */
  private async deleteProject(projectId: number): Promise<readonly ProjectSummary[]> {
    const { versionIds, sampleIds } = this.repo.deleteProject(projectId);
    await this.pixels.forget(versionIds, sampleIds);
    // The delete is saved; the sweep only frees disk space, so its failures never fail the delete.
    const sweep = this.sweeping.then(() => this.sweepBlobs()).catch(this.reportBug);
    this.sweeping = sweep;
    await sweep;
    return this.repo.listProjects();
  }

  /** Resolves a batch's fill parameters the way single fills do. */
  async resolveBatchParams(p: InpaintParams): Promise<InpaintParams> {
    return this.resolveParams(p);
  }

  // ------------------------------------------------------------- dispatch

  /** Validates an untrusted request and runs it. */
  async handle(method: string, request: unknown): Promise<unknown> {
    if (!isMethod(method)) throw new StudioError('BAD_REQUEST', `unknown method "${method}"`);
    const parsed = requestSchemas[method].safeParse(request ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      throw new StudioError('BAD_REQUEST', `${method}: ${where}${issue?.message ?? 'invalid request'}`);
    }
    return this.dispatch(method, parsed.data as ParsedRequestOf<typeof method>);
  }

  async call<M extends Method>(method: M, request: unknown): Promise<ResponseOf<M>> {
    return (await this.handle(method, request)) as ResponseOf<M>;
  }

  private async dispatch(method: Method, req: unknown): Promise<unknown> {
    switch (method) {
      case 'app.info': return this.info();
      case 'projects.list': return this.repo.listProjects();
      case 'projects.get': return this.repo.detail((req as ParsedRequestOf<'projects.get'>).projectId);
      case 'projects.delete': return this.deleteProject((req as ParsedRequestOf<'projects.delete'>).projectId);
      case 'projects.rename': {
        const r = req as ParsedRequestOf<'projects.rename'>;
        return this.repo.renameProject(r.projectId, r.name);
      }
      case 'images.import': {
        const r = req as ParsedRequestOf<'images.import'>;
        return this.importBytes(r.fileName, r.bytes, null);
      }
      case 'images.openDialog': {
        if (!this.options.host?.pickImageFile) throw new StudioError('NOT_AVAILABLE', 'the open dialog exists only in the desktop app; use the file picker');
        const picked = await this.options.host.pickImageFile();
        return picked === null ? null : this.importPath(picked);
      }
      case 'jobs.inpaint': return this.startInpaint(req as ParsedRequestOf<'jobs.inpaint'>);
      case 'jobs.cancel': return this.cancel((req as ParsedRequestOf<'jobs.cancel'>).jobId);
      case 'jobs.estimate': {
        const r = req as ParsedRequestOf<'jobs.estimate'>;
        const { width, height } = this.repo.detail(r.projectId).image;
        const placed = await decodeMaskRegion(r.mask, width, height);
        const hole = grownHole(placed.mask, width, height, r.params.grow, placed.box);
        if (!hole) throw maskEmptyError();
        const params = await this.resolveParams(r.params);
        const holePixels = hole.pixels;
        const working = params.method === 'diffusion'
          ? diffusionWork(hole.mask, width, height, await this.workingEdgeFor(params.model)).workingPixels
          : undefined;
        const { ms, basis } = estimateFillMs(params, holePixels, this.repo.recentRunCosts(params.method, 10), working);
        return { seconds: Math.round(ms / 100) / 10, basis, slow: ms > 5000 };
      }
      case 'versions.apply': {
        const r = req as ParsedRequestOf<'versions.apply'>;
        const versionId = this.repo.applySample(r.runId, r.sampleIndex);
        return this.repo.detail(this.repo.version(versionId).projectId);
      }
      case 'versions.export': return this.exportVersion((req as ParsedRequestOf<'versions.export'>).versionId);
      case 'versions.region': {
        const r = req as ParsedRequestOf<'versions.region'>;
        this.repo.version(r.versionId); // NOT_FOUND for an unknown version, before any decoding
        return this.regions.read(r);
      }
      case 'samples.region': return this.regions.readSample(req as ParsedRequestOf<'samples.region'>);
      case 'versions.revert': {
        const versionId = this.repo.revertTo((req as ParsedRequestOf<'versions.revert'>).versionId);
        return this.repo.detail(this.repo.version(versionId).projectId);
      }
      case 'masks.saveDraft': case 'masks.getDraft': case 'masks.moveDraft': case 'masks.clearDraft':
        return this.drafts.handle(method, req as never);
      case 'segment.select': {
        const r = req as ParsedRequestOf<'segment.select'>;
        const v = await this.loadVersion(r.versionId);
        this.segmentation ??= SegmentationEngine.create();
        const t = r.target;
        const request = 'className' in t ? { select: t.className.toLowerCase() } : 'point' in t ? { point: t.point } : { box: t.box };
        const result = await segmentImage(toRgb8(v.image), request, {
          engine: this.segmentation, ...(r.growPx !== undefined ? { growPx: r.growPx } : {}), ...(r.minScore !== undefined ? { minScore: r.minScore } : {}),
        });
        return { mask: result.png, coverage: result.coverage, layers: result.layers.map((l) => ({ label: l.label, score: l.score, box: l.box })) };
      }
      case 'batch.folders': case 'batch.pickFolder': case 'batch.start': case 'batch.pause':
      case 'batch.resume': case 'batch.cancel': case 'batch.list': case 'batch.items':
        return this.batchEndpoints.handle(method, req as never);
    }
  }

  async info(): Promise<AppInfo> {
    const photo = (await this.models.photoModels()).map(summarise);
    const defaultModel = await this.models.defaultPhotoModelId();
    return {
      version: this.options.version,
      mode: this.options.mode === 'electron' ? 'electron' : 'browser',
      methods: defaultModel ? ['patchmatch', 'diffusion'] : ['patchmatch'],
      // Diffusion becomes the default once the photographic model is installed (DESIGN.md §8).
      defaultMethod: defaultModel === PHOTO_MODEL_ID ? 'diffusion' : 'patchmatch',
      models: photo,
      defaultModel,
      canOpenDialog: this.options.host?.pickImageFile !== undefined,
      maxSamples: MAX_SAMPLES,
    };
  }

  /** The working edge a diffusion run of `modelId` uses (the studio's setting, else the model's own). */
  private async workingEdgeFor(modelId: string | null | undefined): Promise<number> {
    const installed = (await this.models.photoModels()).find((m) => m.manifest.id === modelId);
    return resolveWorkingEdge(this.options.maxWorkingEdge, installed?.manifest);
  }

  /** Fills in the defaults a run actually uses, so history records them. */
  private async resolveParams(p: InpaintParams): Promise<InpaintParams> {
    if (p.method === 'patchmatch') return { ...p, model: null, sampler: null, steps: null, strength: null };
    const model = p.model ?? (await this.models.defaultPhotoModelId());
    if (!model) throw new StudioError('MODEL_MISSING', 'diffusion fills need a model and none is installed; use PatchMatch');
    const installed = (await this.models.photoModels()).find((m) => m.manifest.id === model);
    if (!installed) throw new StudioError('MODEL_MISSING', `no RGB model "${model}" is installed`);
    if (p.sampler === 'repaint' && installed.manifest.kind === 'conditional-inpaint') {
      throw new StudioError('BAD_REQUEST', `RePaint resampling is for unconditional models; ${model} is a conditional inpainting model (use ddim or ddpm)`);
    }
    return { ...p, model, sampler: p.sampler ?? 'ddim', steps: p.steps ?? DEFAULT_DIFFUSION_STEPS };
  }

  // --------------------------------------------------------------- events

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit<E extends EventName>(type: E, payload: EventMap[E]): void {
    for (const l of this.listeners) l({ type, payload } as StudioEvent);
  }

  // --------------------------------------------------------------- import

  /** Imports a file the user chose (dialog or CLI argument). The original is only read. */
  async importPath(file: string): Promise<ProjectDetail> {
    checkFileName(file);
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new StudioError('NOT_FOUND', `${file} does not exist`);
      if (code === 'EISDIR') throw new StudioError('BAD_REQUEST', `${file} is a folder, not an image`);
      throw err;
    }
    return this.importBytes(path.basename(file), new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), path.resolve(file));
  }

  async importBytes(fileName: string, bytes: Uint8Array, sourcePath: string | null): Promise<ProjectDetail> {
    checkFileName(fileName);
    const probe = await probeImage(bytes, fileName);
    // Decode once now so a file that only fails on full decode (truncated data) is rejected before anything is stored.
    await decodeImage(bytes, fileName);
    const hash = await this.store.put(bytes);
    const projectId = this.repo.createProjectWithImage(path.parse(fileName).name, {
      fileName, sourcePath, contentHash: hash, format: probe.format, width: probe.width, height: probe.height,
      bitDepth: probe.depth, channels: probe.channels, orientation: probe.orientation, hasIcc: probe.hasIcc, bytes: bytes.length,
    });
    return this.repo.detail(projectId);
  }

  // --------------------------------------------------------------- pixels

  loadVersion(versionId: number): Promise<LoadedVersion> {
    return this.pixels.load(versionId);
  }

  /** The full photo with a sample applied; `quality` (JPEG/WebP, 1..100) defaults to 95. */
  renderSample(runId: number, index: number, format?: EncodedOutput['format'], quality?: number): Promise<EncodedOutput> {
    return this.pixels.renderSample(runId, index, format, quality);
  }

  renderVersion(versionId: number): Promise<EncodedOutput> {
    return this.pixels.renderVersion(versionId);
  }

  readFile(ref: FileRef): Promise<{ bytes: Uint8Array; mime: string; fileName: string | null }> {
    return this.pixels.readFile(ref);
  }

  private async exportVersion(versionId: number): Promise<ResponseOf<'versions.export'>> {
    const file: FileRef = { kind: 'version-full', id: versionId };
    const pick = this.options.host?.pickSavePath;
    if (!pick) return { savedTo: null, file };
    const version = this.repo.version(versionId);
    const image = this.repo.imageOfProject(version.projectId);
    const out = await this.renderVersion(versionId);
    const target = await pick(exportName(image.fileName, versionId, out.format));
    if (target === null) return { savedTo: null, file };
    if (image.sourcePath && path.resolve(target) === path.resolve(image.sourcePath)) {
      throw new StudioError('FORBIDDEN_PATH', 'Inpaint Studio never overwrites an original; choose another file name');
    }
    await writeFileAtomic(target, out.bytes);
    return { savedTo: target, file };
  }

  private segmentation: SegmentationEngine | null = null;

  // ----------------------------------------------------------------- jobs

  private async startInpaint(req: ParsedRequestOf<'jobs.inpaint'>): Promise<ResponseOf<'jobs.inpaint'>> {
    const detail = this.repo.detail(req.projectId);
    const version = this.repo.version(req.versionId);
    if (version.projectId !== req.projectId) throw new StudioError('BAD_REQUEST', `version ${req.versionId} belongs to another project`);
    const resolved = await this.resolveParams(req.params);
    const { width, height } = detail.image;
    const placed = await decodeMaskRegion(req.mask, width, height);
    const coverage = checkCoverageUsable(placed.filled / (width * height));
    const exclusion = req.exclusion ? (await decodeMaskRegion(req.exclusion, width, height, 'exclusion mask')).mask : undefined;
    // History keeps the mask as it came: the PNG of its box, and where the box lies.
    const maskHash = await this.store.put(req.mask.png);
    const maskId = this.repo.insertMask(detail.image.id, maskHash, width, height, coverage, placed.box);
    const params: RunParams = { ...resolved };
    // PatchMatch runs on the CPU; a diffusion run's device is known once its model has loaded ('' until then).
    const runId = this.repo.insertRun(req.projectId, req.versionId, maskId, params, params.method === 'diffusion' ? '' : 'cpu', req.purpose);
    const jobId = randomUUID();
    const abort = new AbortController();
    const done = this.enqueue(() => this.runJob(jobId, runId, req.versionId, placed, exclusion, resolved, abort.signal));
    this.jobs.set(jobId, { id: jobId, runId, abort, done });
    done.then(
      () => this.jobs.delete(jobId),
      (err: unknown) => {
        this.jobs.delete(jobId);
        this.reportBug(err);
      },
    );
    this.emit('job.progress', { jobId, runId, stage: 'queued', fraction: 0, message: 'Queued' });
    return { jobId, runId };
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runJob(jobId: string, runId: number, versionId: number, mask: PlacedMask, exclusion: Uint8Array | undefined, params: InpaintParams, signal: AbortSignal): Promise<void> {
    const timings: Record<string, number> = {};
    const t0 = performance.now();
    const progress = (stage: EventMap['job.progress']['stage'], fraction: number, message: string) =>
      this.emit('job.progress', { jobId, runId, stage, fraction, message });
    try {
      if (signal.aborted) throw new StudioError('CANCELLED', 'the fill was cancelled');
      progress('loading', 0.02, 'Loading the photo');
      const base = await this.loadVersion(versionId);
      const model = params.method === 'diffusion' && params.model ? await this.models.load(params.model) : undefined;
      const icc = model && base.probe.hasIcc ? (await readMetadata(base.source)).icc : null;
      if (model) {
        const { provider, fallbacks } = model.session.info;
        this.repo.setRunDevice(runId, provider, fallbacks.length ? fallbacks.map(explainFallback).join('\n') : null);
      }
      const loadMs = Math.round(performance.now() - t0);
      timings.loadMs = loadMs;
      const n = params.samples;
      let done = 0;
      let previewBusy = false;
      await runInpaint({
        image: base.image, mask: mask.mask, maskBox: mask.box, params, signal,
        ...(exclusion ? { exclusion } : {}),
        ...(model ? { model } : {}),
        ...(icc ? { icc } : {}),
        ...(this.options.maxWorkingEdge ? { maxWorkingEdge: this.options.maxWorkingEdge } : {}),
        onProgress: (fraction) =>
          progress('filling', 0.05 + 0.9 * fraction, `Filling: ${done} of ${n} sample${n === 1 ? '' : 's'} done`),
        onPreview: (step, total, images, width, height) => {
          // At most ~8 previews a run, and never two at once: encoding must not slow the sampler.
          if (step !== total && step % Math.max(1, Math.ceil(total / 8)) !== 0) return;
          if (previewBusy) return;
          previewBusy = true;
          Promise.all(images.map((rgb) => encodeRaw({ width, height, channels: 3, depth: 8, data: rgb }, { format: 'png' })))
            .then((pngs) => this.emit('job.preview', { jobId, runId, step, total, images: pngs }))
            .catch(this.reportBug)
            .finally(() => { previewBusy = false; });
        },
        onSampled: (work) => {
          timings.samplingMs = Math.round(performance.now() - t0) - loadMs;
          timings.workingPixels = work.workingPixels;
          timings.holeGroups = work.groups;
        },
        onSample: async (s) => {
          done = s.index + 1;
          progress('saving', 0.05 + 0.9 * (done / n), `Saving sample ${done}`);
          const png = await encodeRaw(s.crop, { format: 'png' });
          const hash = await this.store.put(png);
          const sample = this.repo.insertSample(runId, { index: s.index, seed: s.seed, contentHash: hash, ...s.region, millis: s.millis });
          this.emit('job.sample', { jobId, runId, sample });
        },
      });
      timings.totalMs = Math.round(performance.now() - t0);
      if (timings.samplingMs !== undefined) timings.detailMs = timings.totalMs - loadMs - timings.samplingMs;
      this.repo.finishRun(runId, 'done', null, timings);
      this.emit('job.finished', { jobId, runId, status: 'done', error: null });
    } catch (err) {
      const wire = toWireError(err);
      const status = wire.code === 'CANCELLED' ? 'cancelled' : 'failed';
      this.repo.finishRun(runId, status, wire.message, timings);
      this.emit('job.finished', { jobId, runId, status, error: status === 'cancelled' ? null : wire });
      if (!(err instanceof StudioError)) throw err;
    }
  }

  private cancel(jobId: string): ResponseOf<'jobs.cancel'> {
    const job = this.jobs.get(jobId);
    if (!job) return { cancelled: false };
    job.abort.abort();
    return { cancelled: true };
  }

  /** Resolves when the job has finished, whatever its outcome. */
  async waitForJob(jobId: string): Promise<void> {
    await this.jobs.get(jobId)?.done.catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const job of this.jobs.values()) job.abort.abort();
    await this.batchEndpoints.pauseAll();
    await this.queue.catch(() => undefined);
    await this.models.close();
    await this.segmentation?.close();
    this.closed = true;
    await this.sweeping.catch(() => undefined);
    this.db.close();
  }
}
