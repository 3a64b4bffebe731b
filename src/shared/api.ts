/**
 * The studio's one contract (STYLE.md §2): method name -> request -> response,
 * plus one map of events. The Electron IPC adapter, the browser-mode server
 * and the CLI all serve the same service object against these types, and
 * every request is validated with these schemas at the boundary.
 */
import { z } from 'zod';
import type { ModelSummary } from './manifest';

// ---------------------------------------------------------------- data types

export const FILL_METHODS = ['patchmatch', 'diffusion'] as const;
export type FillMethod = (typeof FILL_METHODS)[number];

export const SAMPLERS = ['ddim', 'ddpm', 'repaint'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'tiff';

export interface ImageSummary {
  readonly id: number;
  readonly fileName: string;
  readonly sourcePath: string | null;
  readonly contentHash: string;
  readonly format: ImageFormat;
  /** Size after EXIF orientation was applied (what the user sees). */
  readonly width: number;
  readonly height: number;
  readonly bitDepth: 8 | 16;
  readonly channels: number;
  readonly orientation: number;
  readonly hasIcc: boolean;
  readonly bytes: number;
}

export interface ProjectSummary {
  readonly id: number;
  readonly name: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly versionCount: number;
  readonly headVersionId: number;
}

export interface VersionSummary {
  readonly id: number;
  readonly projectId: number;
  readonly parentId: number | null;
  readonly runId: number | null;
  readonly sampleId: number | null;
  readonly label: string;
  readonly createdAt: string;
}

export interface SampleSummary {
  readonly id: number;
  readonly runId: number;
  readonly index: number;
  readonly seed: number;
  /** Bounding box (image pixels) of the pixels this sample may change. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** When the sample was ready, in ms from the start of the run's sampling (runs before session 8 stored each sample's own duration). */
  readonly millis: number;
}

export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface RunParams {
  readonly method: FillMethod;
  readonly samples: number;
  readonly seed: number;
  readonly grow: number;
  readonly feather: number;
  readonly model: string | null;
  readonly sampler: SamplerName | null;
  readonly steps: number | null;
  readonly strength: number | null;
}

/** What a run was started for: the Fill button (and the CLI), or a one-click spot heal. It names the versions the run makes. */
export const RUN_PURPOSES = ['fill', 'spot-heal'] as const;
export type RunPurpose = (typeof RUN_PURPOSES)[number];

export interface RunSummary {
  readonly id: number;
  readonly projectId: number;
  readonly baseVersionId: number;
  readonly maskId: number;
  readonly params: RunParams;
  readonly purpose: RunPurpose;
  readonly status: RunStatus;
  readonly error: string | null;
  /** The execution provider the run used: 'cpu', 'cuda', 'dml', 'webgpu', 'coreml'; '' for a diffusion run whose model has not loaded (yet). */
  readonly device: string;
  /** Why faster providers were not used, one line each (null: none was passed over). */
  readonly deviceNote: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly samples: readonly SampleSummary[];
}

export interface ProjectDetail {
  readonly project: ProjectSummary;
  readonly image: ImageSummary;
  readonly versions: readonly VersionSummary[];
  readonly runs: readonly RunSummary[];
}

export interface AppInfo {
  readonly version: string;
  readonly mode: 'electron' | 'browser';
  readonly methods: readonly FillMethod[];
  readonly defaultMethod: FillMethod;
  readonly models: readonly ModelSummary[];
  readonly defaultModel: string | null;
  readonly canOpenDialog: boolean;
  readonly maxSamples: number;
}

export type BatchStatus = 'running' | 'paused' | 'cancelled' | 'done';

export interface BatchCountsView {
  readonly total: number; readonly pending: number; readonly running: number;
  readonly done: number; readonly failed: number; readonly skipped: number;
}

export interface BatchJobView {
  readonly id: number;
  readonly inputDir: string;
  readonly outputDir: string;
  readonly status: BatchStatus;
  readonly active: boolean;
  readonly counts: BatchCountsView;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface BatchItemView {
  readonly relPath: string;
  readonly status: 'pending' | 'running' | 'done' | 'failed' | 'skipped';
  readonly attempts: number;
  readonly error: string | null;
  readonly millis: number | null;
}

/** What a file URL points at; the transport turns it into a URL. */
export type FileRef =
  | { readonly kind: 'version-proxy'; readonly id: number }
  | { readonly kind: 'version-full'; readonly id: number }
  | { readonly kind: 'sample-proxy'; readonly id: number };

// ------------------------------------------------------------ request schemas

const id = z.number().int().positive();

/** Longest edge of display proxies; the mask is always drawn at full size. */
export const PROXY_MAX_EDGE = 2560;
export const MAX_SAMPLES = 16;
export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;
/** Longest edge of one `versions.region` or `samples.region` answer (1024² RGBA = 4 MB). */
export const MAX_REGION_EDGE = 1024;

export const inpaintParamsSchema = z.object({
  method: z.enum(FILL_METHODS).default('patchmatch'),
  samples: z.number().int().min(1).max(MAX_SAMPLES).default(1),
  seed: z.number().int().min(0).max(0xffffffff).default(0),
  grow: z.number().int().min(0).max(512).default(0),
  feather: z.number().int().min(0).max(256).default(0),
  model: z.string().min(1).max(128).nullable().default(null),
  sampler: z.enum(SAMPLERS).nullable().default(null),
  steps: z.number().int().min(1).max(1000).nullable().default(null),
  strength: z.number().min(0).max(1).nullable().default(null),
});
export type InpaintParams = z.infer<typeof inpaintParamsSchema>;

/** A `*.region` rectangle, image pixels after orientation. */
const regionRect = {
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  width: z.number().int().min(1).max(MAX_REGION_EDGE),
  height: z.number().int().min(1).max(MAX_REGION_EDGE),
};

const bytes = z.instanceof(Uint8Array).refine((b) => b.byteLength > 0, 'must not be empty');

/**
 * A mask sent as its bounding box: `png` holds the box's pixels (8-bit,
 * white > 127 = in the mask) and is `width` × `height`; the box sits at
 * (`x`, `y`) in the image (after orientation); every pixel outside it is
 * outside the mask. A dust spot on a 24-MP photo then costs a few hundred
 * pixels to encode and decode instead of the whole frame. The service checks
 * that the box lies inside the photo and that the PNG is the size it claims.
 */
export const maskRegionSchema = z.object({
  png: bytes,
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
}).strict();
export type MaskRegion = z.infer<typeof maskRegionSchema>;

export const requestSchemas = {
  'app.info': z.object({}).strict(),
  'projects.list': z.object({}).strict(),
  'projects.get': z.object({ projectId: id }).strict(),
  /** Deletes a project's history and the pixels stored only for it; the photo it was imported from is not touched. */
  'projects.delete': z.object({ projectId: id }).strict(),
  'projects.rename': z.object({ projectId: id, name: z.string().trim().min(1, 'a name cannot be empty').max(200) }).strict(),
  'images.import': z.object({
    fileName: z.string().min(1).max(255).refine((n) => !/[\\/]/.test(n), 'a bare file name, no folders'),
    bytes: bytes.refine((b) => b.byteLength <= MAX_IMPORT_BYTES, 'file is larger than 512 MB'),
  }).strict(),
  'images.openDialog': z.object({}).strict(),
  'jobs.inpaint': z.object({
    projectId: id,
    versionId: id,
    /** The fill mask's bounding box; white (> 127) = fill. */
    mask: maskRegionSchema,
    /** Optional, the same way: white = PatchMatch never takes patches from here. */
    exclusion: maskRegionSchema.optional(),
    params: inpaintParamsSchema,
    purpose: z.enum(RUN_PURPOSES).default('fill'),
  }).strict(),
  'jobs.cancel': z.object({ jobId: z.string().min(1).max(64) }).strict(),
  /** How long a fill would take on this machine, before starting it. */
  'jobs.estimate': z.object({ projectId: id, mask: maskRegionSchema, params: inpaintParamsSchema }).strict(),
  'versions.apply': z.object({ runId: id, sampleIndex: z.number().int().min(0).max(MAX_SAMPLES - 1) }).strict(),
  'versions.export': z.object({ versionId: id }).strict(),
  'versions.revert': z.object({ versionId: id }).strict(),
  /**
   * A rectangle of a version's full-resolution pixels (image pixels after
   * orientation), for display at ≥ 100 % zoom. A rectangle reaching past the
   * photo is clipped to it; one starting outside it is an error.
   */
  'versions.region': z.object({ versionId: id, ...regionRect }).strict(),
  /**
   * The same for a run's sample: the pixels its version would have if it
   * were applied (the run's base version with the sample's crop), for
   * comparing samples at full resolution before choosing one.
   */
  'samples.region': z.object({ sampleId: id, ...regionRect }).strict(),
  /**
   * Autosave of the mask being painted, one draft per project, each layer as
   * its bounding box (checked like a fill's): `mask` is null when the fill
   * layer is empty (only the exclusion was painted); `exclusion`: the
   * "protect from sampling" mask, if painted. A draft with both layers
   * empty (mask null, no exclusion) clears the stored draft, like
   * masks.clearDraft.
   */
  'masks.saveDraft': z.object({ projectId: id, versionId: id, mask: maskRegionSchema.nullable(), exclusion: maskRegionSchema.optional() }).strict(),
  'masks.getDraft': z.object({ projectId: id }).strict(),
  /**
   * A heal made `toVersionId` from `fromVersionId` (its parent, same photo
   * size): a draft drawn on the parent now belongs to the child, boxes and
   * PNGs unchanged. A draft on any other version stays where it is.
   */
  'masks.moveDraft': z.object({ projectId: id, fromVersionId: id, toVersionId: id }).strict(),
  'masks.clearDraft': z.object({ projectId: id }).strict(),
  /** Semantic selection on a version's pixels; the answer is a full-size mask PNG (white = selected), already grown. */
  'segment.select': z.object({
    versionId: id,
    target: z.union([
      z.object({ className: z.string().min(1).max(64) }).strict(),
      z.object({ point: z.object({ x: z.number().min(0), y: z.number().min(0) }).strict() }).strict(),
      z.object({ box: z.object({ x: z.number().min(0), y: z.number().min(0), width: z.number().min(1), height: z.number().min(1) }).strict() }).strict(),
    ]),
    growPx: z.number().int().min(0).max(256).optional(),
    minScore: z.number().min(0).max(1).optional(),
  }).strict(),
  /** Folders a batch may read or write: the user's chosen roots (dialog, --allow-dir) and their subfolders. */
  'batch.folders': z.object({ path: z.string().min(1).max(4096).optional() }).strict(),
  /** Electron: pick a folder with the system dialog (it becomes an allowed root). */
  'batch.pickFolder': z.object({}).strict(),
  'batch.start': z.object({
    inputDir: z.string().min(1).max(4096),
    outputDir: z.string().min(1).max(4096),
    /** One mask for every photo (PNG), in sensor orientation, scaled to each photo. */
    mask: bytes,
    maskFit: z.enum(['fail', 'stretch', 'cover']).default('fail'),
    params: inpaintParamsSchema,
    recursive: z.boolean().default(false),
    overwrite: z.boolean().default(false),
    suffix: z.string().max(64).regex(/^[\w.-]*$/, 'letters, digits, dot, dash, underscore').default(''),
  }).strict(),
  'batch.pause': z.object({ jobId: id }).strict(),
  'batch.resume': z.object({ jobId: id }).strict(),
  'batch.cancel': z.object({ jobId: id }).strict(),
  'batch.list': z.object({}).strict(),
  'batch.items': z.object({ jobId: id }).strict(),
} as const;

export type Method = keyof typeof requestSchemas;
export type RequestOf<M extends Method> = z.input<(typeof requestSchemas)[M]>;
export type ParsedRequestOf<M extends Method> = z.output<(typeof requestSchemas)[M]>;

export interface ResponseMap {
  'app.info': AppInfo;
  'projects.list': readonly ProjectSummary[];
  'projects.get': ProjectDetail;
  'projects.rename': ProjectSummary;
  /** The projects that remain. */
  'projects.delete': readonly ProjectSummary[];
  'images.import': ProjectDetail;
  'images.openDialog': ProjectDetail | null;
  'jobs.inpaint': { readonly jobId: string; readonly runId: number };
  'jobs.cancel': { readonly cancelled: boolean };
  'jobs.estimate': {
    readonly seconds: number;
    /** 'history': scaled from this machine's finished runs; 'default': built-in figures (no history yet). */
    readonly basis: 'history' | 'default';
    /** Worth telling the user before starting (more than ~5 s). */
    readonly slow: boolean;
  };
  'versions.apply': ProjectDetail;
  /** Electron saves through a dialog and returns the path; browser mode downloads `file`. */
  'versions.export': { readonly savedTo: string | null; readonly file: FileRef };
  'versions.revert': ProjectDetail;
  /** The clipped rectangle and its pixels: 8-bit sRGB-encoded RGBA, row-major, width·height·4 bytes. */
  'versions.region': {
    readonly versionId: number;
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
    readonly rgba: Uint8Array;
  };
  /** As `versions.region`, for the sample's would-be version. */
  'samples.region': {
    readonly sampleId: number;
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
    readonly rgba: Uint8Array;
  };
  /** savedAt: null when both layers were empty and the draft was cleared instead. */
  'masks.saveDraft': { readonly savedAt: string | null };
  /** Each layer as saved (drafts from before boxes come back as whole-frame boxes); null: no draft. */
  'masks.getDraft': { readonly versionId: number; readonly mask: MaskRegion | null; readonly exclusion: MaskRegion | null; readonly savedAt: string } | null;
  /** Whether a draft was on `fromVersionId` and now is on `toVersionId`. */
  'masks.moveDraft': { readonly moved: boolean };
  'masks.clearDraft': { readonly cleared: boolean };
  'segment.select': {
    readonly mask: Uint8Array;
    readonly coverage: number;
    readonly layers: readonly { readonly label: string; readonly score: number | null; readonly box: { readonly x: number; readonly y: number; readonly width: number; readonly height: number } }[];
  };
  'batch.folders': { readonly path: string | null; readonly parent: string | null; readonly folders: readonly string[]; readonly imageCount: number };
  'batch.pickFolder': { readonly path: string } | null;
  'batch.start': BatchJobView;
  'batch.pause': BatchJobView;
  'batch.resume': BatchJobView;
  'batch.cancel': BatchJobView;
  'batch.list': readonly BatchJobView[];
  'batch.items': readonly BatchItemView[];
}
export type ResponseOf<M extends Method> = ResponseMap[M];

export const METHODS = Object.keys(requestSchemas) as Method[];

export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(requestSchemas, name);
}

// --------------------------------------------------------------------- events

export type JobStage = 'queued' | 'loading' | 'filling' | 'compositing' | 'saving';

export interface EventMap {
  'job.progress': {
    readonly jobId: string;
    readonly runId: number;
    readonly stage: JobStage;
    /** 0..1 over the whole job. */
    readonly fraction: number;
    readonly message: string;
  };
  'job.sample': { readonly jobId: string; readonly runId: number; readonly sample: SampleSummary };
  /** Diffusion only: the current x₀ prediction of every sample, as small PNGs at working resolution. */
  'job.preview': {
    readonly jobId: string;
    readonly runId: number;
    readonly step: number;
    readonly total: number;
    readonly images: readonly Uint8Array[];
  };
  'batch.progress': {
    readonly job: BatchJobView;
    readonly last: { readonly relPath: string; readonly status: BatchItemView['status']; readonly reason: string | null } | null;
  };
  'job.finished': {
    readonly jobId: string;
    readonly runId: number;
    readonly status: Exclude<RunStatus, 'running'>;
    readonly error: { readonly code: string; readonly message: string } | null;
  };
}
export type EventName = keyof EventMap;

/** Every event name, for transports that must list them (one place to add an event). */
export const EVENT_NAMES = ['job.progress', 'job.sample', 'job.preview', 'batch.progress', 'job.finished'] as const satisfies readonly EventName[];
type MissingEvents = Exclude<EventName, (typeof EVENT_NAMES)[number]>;
const everyEventListed: MissingEvents extends never ? true : never = true;
void everyEventListed;
export interface StudioEventOf<E extends EventName> {
  readonly type: E;
  readonly payload: EventMap[E];
}
/** Discriminated union of all events: narrow on `type`. */
export type StudioEvent = { [E in EventName]: StudioEventOf<E> }[EventName];

/** What both the Electron preload and the browser client expose to the UI. */
export interface StudioApi {
  call<M extends Method>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>>;
  subscribe(listener: (event: StudioEvent) => void): () => void;
  fileUrl(ref: FileRef): string;
}
