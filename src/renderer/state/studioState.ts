/**
 * App-level state: which screen, the open project, the running fill job and
 * its result, and error banners. `updateStudio` is pure; the controller
 * (useStudio) performs the API calls and feeds their outcomes back in.
 */
import type { AppInfo, JobStage, ProjectDetail, ProjectSummary, RunSummary, SampleSummary, StudioEvent, VersionSummary } from '../../shared/api';

export interface JobView {
  /** Null until `jobs.inpaint` has answered. */
  readonly jobId: string | null;
  readonly runId: number | null;
  readonly stage: JobStage | 'starting';
  readonly fraction: number;
  readonly message: string;
  readonly cancelling: boolean;
}

export interface ResultView {
  readonly runId: number;
  /** Samples announced by events; the project's run replaces them once loaded. */
  readonly samples: readonly SampleSummary[];
  readonly finished: boolean;
}

/** The latest diffusion x₀ previews of the running job, one small PNG per sample. */
export interface PreviewView {
  readonly runId: number;
  readonly step: number;
  readonly total: number;
  readonly images: readonly Uint8Array[];
}

export interface Banner { readonly id: number; readonly code: string; readonly message: string }

export type Busy = 'loading' | 'importing' | 'applying' | 'reverting' | 'exporting' | null;

export interface StudioState {
  readonly info: AppInfo | null;
  readonly projects: readonly ProjectSummary[];
  readonly project: ProjectDetail | null;
  /** The version the mask is drawn on and the fill starts from. */
  readonly baseVersionId: number | null;
  readonly job: JobView | null;
  /** Events that arrived while `jobs.inpaint` was still answering (a fast fill can finish first). */
  readonly earlyEvents: readonly StudioEvent[];
  readonly result: ResultView | null;
  readonly preview: PreviewView | null;
  readonly banners: readonly Banner[];
  readonly nextBannerId: number;
  readonly busy: Busy;
  readonly notice: string | null;
}

export type StudioInput =
  | { readonly type: 'infoLoaded'; readonly info: AppInfo }
  | { readonly type: 'projectsLoaded'; readonly projects: readonly ProjectSummary[] }
  | { readonly type: 'busy'; readonly busy: Busy }
  | { readonly type: 'projectOpened'; readonly detail: ProjectDetail }
  | { readonly type: 'projectRefreshed'; readonly detail: ProjectDetail }
  | { readonly type: 'closeProject' }
  | { readonly type: 'selectVersion'; readonly versionId: number }
  | { readonly type: 'jobRequested' }
  | { readonly type: 'jobStarted'; readonly jobId: string; readonly runId: number }
  | { readonly type: 'jobRequestFailed' }
  | { readonly type: 'cancelRequested' }
  | { readonly type: 'event'; readonly event: StudioEvent }
  | { readonly type: 'sampleApplied'; readonly detail: ProjectDetail }
  | { readonly type: 'dismissResult' }
  /** Shows a stored run's samples in the gallery again. */
  | { readonly type: 'openRun'; readonly runId: number }
  /** A new head version exists (revert); editing moves to it. */
  | { readonly type: 'reverted'; readonly detail: ProjectDetail }
  | { readonly type: 'failed'; readonly code: string; readonly message: string }
  | { readonly type: 'dismissBanner'; readonly id: number }
  | { readonly type: 'notice'; readonly message: string | null };

export const INITIAL_STUDIO_STATE: StudioState = {
  info: null,
  projects: [],
  project: null,
  baseVersionId: null,
  job: null,
  earlyEvents: [],
  result: null,
  preview: null,
  banners: [],
  nextBannerId: 1,
  busy: 'loading',
  notice: null,
};

const MAX_BANNERS = 5;
const MAX_EARLY_EVENTS = 200;

function addBanner(state: StudioState, code: string, message: string): StudioState {
  const banners = [...state.banners.filter((b) => b.message !== message), { id: state.nextBannerId, code, message }].slice(-MAX_BANNERS);
  return { ...state, banners, nextBannerId: state.nextBannerId + 1 };
}

function upsertProject(projects: readonly ProjectSummary[], detail: ProjectDetail): readonly ProjectSummary[] {
  return [detail.project, ...projects.filter((p) => p.id !== detail.project.id)];
}

/** A new head version (applied sample or revert): the editor restarts on it. */
function withNewHead(state: StudioState, detail: ProjectDetail): StudioState {
  return {
    ...state,
    project: detail,
    projects: upsertProject(state.projects, detail),
    baseVersionId: detail.project.headVersionId,
    result: null,
    preview: null,
    busy: null,
  };
}

function onJobEvent(state: StudioState, event: StudioEvent): StudioState {
  if (event.type === 'batch.progress') return state; // batch jobs have their own panel
  const job = state.job;
  if (!job) return state;
  if (job.jobId === null) {
    return { ...state, earlyEvents: [...state.earlyEvents, event].slice(-MAX_EARLY_EVENTS) };
  }
  if (event.payload.jobId !== job.jobId) return state;
  switch (event.type) {
    case 'job.progress': {
      const p = event.payload;
      return { ...state, job: { ...job, stage: p.stage, fraction: Math.max(job.fraction, Math.min(1, p.fraction)), message: p.message } };
    }
    case 'job.sample': {
      const p = event.payload;
      const prior = state.result && state.result.runId === p.runId ? state.result.samples : [];
      const samples = [...prior.filter((s) => s.index !== p.sample.index), p.sample].sort((a, b) => a.index - b.index);
      return { ...state, result: { runId: p.runId, samples, finished: false } };
    }
    case 'job.finished': {
      const p = event.payload;
      const cleared: StudioState = { ...state, job: null, preview: null };
      if (p.status === 'done') {
        const samples = state.result && state.result.runId === p.runId ? state.result.samples : [];
        return { ...cleared, result: { runId: p.runId, samples, finished: true } };
      }
      if (p.status === 'cancelled') return { ...cleared, result: null, notice: 'Fill cancelled.' };
      return addBanner({ ...cleared, result: null }, p.error?.code ?? 'INTERNAL', p.error?.message ?? 'the fill failed');
    }
    case 'job.preview': {
      const p = event.payload;
      if (state.preview && state.preview.runId === p.runId && state.preview.step > p.step) return state;
      const result = state.result && state.result.runId === p.runId ? state.result : { runId: p.runId, samples: [], finished: false };
      return { ...state, result, preview: { runId: p.runId, step: p.step, total: p.total, images: p.images } };
    }
  }
}

/**
 * Events can be lost (an SSE stream that reconnects drops what was sent in
 * between), so the stored run is the authority: once it is no longer
 * running, the job ends as if its `job.finished` had arrived.
 */
function settleFromStoredRun(state: StudioState): StudioState {
  const job = state.job;
  if (!job || job.jobId === null || job.runId === null) return state;
  const run = state.project?.runs.find((r) => r.id === job.runId);
  if (!run || run.status === 'running') return state;
  const code = run.status === 'cancelled' ? 'CANCELLED' : 'INTERNAL';
  return onJobEvent(state, {
    type: 'job.finished',
    payload: { jobId: job.jobId, runId: run.id, status: run.status, error: run.error === null ? null : { code, message: run.error } },
  });
}

export function updateStudio(state: StudioState, input: StudioInput): StudioState {
  switch (input.type) {
    case 'infoLoaded':
      return { ...state, info: input.info };
    case 'projectsLoaded':
      return { ...state, projects: input.projects, busy: state.busy === 'loading' ? null : state.busy };
    case 'busy':
      return { ...state, busy: input.busy };
    case 'projectOpened':
      return {
        ...state,
        project: input.detail,
        projects: upsertProject(state.projects, input.detail),
        baseVersionId: input.detail.project.headVersionId,
        job: null,
        earlyEvents: [],
        result: null,
        busy: null,
        notice: null,
      };
    case 'projectRefreshed': {
      if (state.project && state.project.project.id !== input.detail.project.id) return state;
      const keep = input.detail.versions.some((v) => v.id === state.baseVersionId);
      const refreshed: StudioState = {
        ...state,
        project: input.detail,
        projects: upsertProject(state.projects, input.detail),
        baseVersionId: keep ? state.baseVersionId : input.detail.project.headVersionId,
      };
      return settleFromStoredRun(refreshed);
    }
    case 'closeProject':
      return { ...state, project: null, baseVersionId: null, result: null, notice: null };
    case 'selectVersion':
      return state.project?.versions.some((v) => v.id === input.versionId) ? { ...state, baseVersionId: input.versionId, result: state.job ? state.result : null } : state;
    case 'jobRequested':
      return {
        ...state,
        job: { jobId: null, runId: null, stage: 'starting', fraction: 0, message: 'Starting…', cancelling: false },
        earlyEvents: [],
        result: null,
        preview: null,
        notice: null,
      };
    case 'jobStarted': {
      if (!state.job) return state;
      // The gallery opens at once, with a waiting tile per sample and a cancel button.
      const result = state.result && state.result.runId === input.runId ? state.result : { runId: input.runId, samples: [], finished: false };
      const started: StudioState = { ...state, job: { ...state.job, jobId: input.jobId, runId: input.runId }, earlyEvents: [], result };
      return state.earlyEvents.reduce(onJobEvent, started);
    }
    case 'jobRequestFailed':
      return { ...state, job: null, earlyEvents: [] };
    case 'cancelRequested':
      return state.job ? { ...state, job: { ...state.job, cancelling: true, message: 'Cancelling…' } } : state;
    case 'event':
      return onJobEvent(state, input.event);
    case 'sampleApplied':
      return { ...withNewHead(state, input.detail), preview: state.preview };
    case 'dismissResult':
      return { ...state, result: null, preview: null };
    case 'openRun': {
      const stored = state.project?.runs.find((r) => r.id === input.runId);
      if (!stored || state.job) return state;
      return { ...state, result: { runId: stored.id, samples: stored.samples, finished: stored.status !== 'running' }, preview: null };
    }
    case 'reverted':
      return withNewHead(state, input.detail);
    case 'failed':
      return addBanner({ ...state, busy: null }, input.code, input.message);
    case 'dismissBanner':
      return { ...state, banners: state.banners.filter((b) => b.id !== input.id) };
    case 'notice':
      return { ...state, notice: input.message };
  }
}

// ------------------------------------------------------------------ selectors

export function baseVersion(state: StudioState): VersionSummary | null {
  return state.project?.versions.find((v) => v.id === state.baseVersionId) ?? null;
}

export function resultRun(state: StudioState): RunSummary | null {
  if (!state.result || !state.project) return null;
  return state.project.runs.find((r) => r.id === state.result!.runId) ?? null;
}

/** The samples to show: the stored run's once loaded, else those events announced. */
export function resultSamples(state: StudioState): readonly SampleSummary[] {
  const run = resultRun(state);
  if (run && run.samples.length > 0) return [...run.samples].sort((a, b) => a.index - b.index);
  return state.result?.samples ?? [];
}

/** Newest first. */
export function versionsNewestFirst(project: ProjectDetail): readonly VersionSummary[] {
  return [...project.versions].sort((a, b) => (a.createdAt === b.createdAt ? b.id - a.id : a.createdAt < b.createdAt ? 1 : -1));
}
