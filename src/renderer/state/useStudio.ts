/**
 * The controller: performs API calls and feeds their outcomes into the pure
 * `updateStudio`. Expected failures (StudioError) become banners; anything
 * else is a bug, logged and shown as unexpected.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { MAX_IMPORT_BYTES, type ProjectDetail, type StudioApi } from '../../shared/api';
import { isStudioError } from '../../shared/errors';
import { encodeMaskRegion } from '../mask/maskPng';
import { isMaskEmpty, type MaskRaster } from '../mask/tiledMask';
import { toInpaintParams, type FillParams } from './fillParams';
import { INITIAL_STUDIO_STATE, updateStudio, type StudioState } from './studioState';

export interface StudioActions {
  refreshProjects(): void;
  openProject(projectId: number): void;
  renameProject(projectId: number, name: string): void;
  /** Deletes a project (history and its own stored pixels; never the photo it came from). */
  deleteProject(projectId: number): void;
  importFile(file: File): void;
  openDialog(): void;
  backToProjects(): void;
  selectVersion(versionId: number): void;
  /** `onStarted` hears the run id once the service accepted the job. */
  fill(versionId: number, mask: MaskRaster, params: FillParams, onStarted?: (runId: number) => void, exclusion?: MaskRaster | null): void;
  cancelFill(): void;
  applySample(runId: number, sampleIndex: number): void;
  /** A version was applied elsewhere (spot heal): it becomes the head and the editor moves to it. */
  headApplied(detail: ProjectDetail): void;
  revertVersion(versionId: number): void;
  openRun(runId: number): void;
  dismissResult(): void;
  exportVersion(versionId: number): void;
  dismissBanner(id: number): void;
  reportError(err: unknown): void;
}

export function describeError(err: unknown): { code: string; message: string } {
  if (isStudioError(err)) return { code: err.code, message: err.message };
  console.error('Inpaint Studio: unexpected error', err);
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message: `Something went wrong: ${message}` };
}

export function useStudio(api: StudioApi): { state: StudioState; actions: StudioActions } {
  const [state, dispatch] = useReducer(updateStudio, INITIAL_STUDIO_STATE);
  const current = useRef(state);
  current.current = state;

  const reportError = useCallback((err: unknown) => dispatch({ type: 'failed', ...describeError(err) }), []);

  const refreshProjects = useCallback(() => {
    api.call('projects.list', {}).then((projects) => dispatch({ type: 'projectsLoaded', projects }), reportError);
  }, [api, reportError]);

  const refreshProject = useCallback((projectId: number) => {
    api.call('projects.get', { projectId }).then((detail) => dispatch({ type: 'projectRefreshed', detail }), reportError);
  }, [api, reportError]);

  useEffect(() => {
    api.call('app.info', {}).then((info) => dispatch({ type: 'infoLoaded', info }), reportError);
    refreshProjects();
    return api.subscribe((event) => {
      dispatch({ type: 'event', event });
      const project = current.current.project;
      if (event.type === 'job.finished' && project) refreshProject(project.project.id);
    });
  }, [api, refreshProjects, refreshProject, reportError]);

  // While a job runs, also poll its project: the stored run settles the job even if an event was lost.
  const runningJob = state.job?.runId ?? null;
  const openProjectId = state.project?.project.id ?? null;
  useEffect(() => {
    if (runningJob === null || openProjectId === null) return;
    const timer = window.setInterval(() => refreshProject(openProjectId), 3000);
    return () => window.clearInterval(timer);
  }, [runningJob, openProjectId, refreshProject]);

  const actions = useMemo<StudioActions>(() => {
    const withBusy = <T,>(busy: StudioState['busy'], work: () => Promise<T>, done: (value: T) => void): void => {
      dispatch({ type: 'busy', busy });
      work().then((value) => {
        dispatch({ type: 'busy', busy: null });
        done(value);
      }, reportError);
    };
    return {
      refreshProjects,
      reportError,
      openProject: (projectId) =>
        withBusy('loading', () => api.call('projects.get', { projectId }), (detail) => dispatch({ type: 'projectOpened', detail })),
      deleteProject: (projectId) =>
        withBusy('loading', () => api.call('projects.delete', { projectId }), (projects) => dispatch({ type: 'projectsLoaded', projects })),
      renameProject: (projectId, name) => {
        api.call('projects.rename', { projectId, name }).then(() => refreshProjects(), reportError);
      },
      importFile: (file) => {
        if (file.size > MAX_IMPORT_BYTES) {
          dispatch({ type: 'failed', code: 'IMAGE_TOO_LARGE', message: `${file.name} is larger than 512 MB` });
          return;
        }
        withBusy(
          'importing',
          async () => api.call('images.import', { fileName: file.name || 'photo', bytes: new Uint8Array(await file.arrayBuffer()) }),
          (detail) => dispatch({ type: 'projectOpened', detail }),
        );
      },
      openDialog: () =>
        withBusy('importing', () => api.call('images.openDialog', {}), (detail) => {
          if (detail) dispatch({ type: 'projectOpened', detail });
        }),
      backToProjects: () => {
        dispatch({ type: 'closeProject' });
        refreshProjects();
      },
      selectVersion: (versionId) => dispatch({ type: 'selectVersion', versionId }),
      fill: (versionId, mask, params, onStarted, exclusion) => {
        const project = current.current.project;
        if (!project || current.current.job) return;
        dispatch({ type: 'jobRequested' });
        Promise.all([encodeMaskRegion(mask), exclusion && !isMaskEmpty(exclusion) ? encodeMaskRegion(exclusion) : null])
          .then(([png, excl]) => api.call('jobs.inpaint', {
            projectId: project.project.id, versionId, mask: png, params: toInpaintParams(params), ...(excl ? { exclusion: excl } : {}),
          }))
          .then(
            ({ jobId, runId }) => {
              onStarted?.(runId);
              dispatch({ type: 'jobStarted', jobId, runId });
            },
            (err: unknown) => {
              dispatch({ type: 'jobRequestFailed' });
              reportError(err);
            },
          );
      },
      cancelFill: () => {
        const job = current.current.job;
        if (!job?.jobId) return;
        dispatch({ type: 'cancelRequested' });
        api.call('jobs.cancel', { jobId: job.jobId }).catch(reportError);
      },
      applySample: (runId, sampleIndex) =>
        withBusy('applying', () => api.call('versions.apply', { runId, sampleIndex }), (detail) => dispatch({ type: 'sampleApplied', detail })),
      headApplied: (detail) => dispatch({ type: 'sampleApplied', detail }),
      revertVersion: (versionId) =>
        withBusy('reverting', () => api.call('versions.revert', { versionId }), (detail) => dispatch({ type: 'reverted', detail })),
      openRun: (runId) => dispatch({ type: 'openRun', runId }),
      dismissResult: () => dispatch({ type: 'dismissResult' }),
      exportVersion: (versionId) =>
        withBusy('exporting', () => api.call('versions.export', { versionId }), ({ savedTo }) => {
          dispatch({ type: 'notice', message: savedTo ? `Saved to ${savedTo}` : null });
        }),
      dismissBanner: (id) => dispatch({ type: 'dismissBanner', id }),
    };
  }, [api, refreshProjects, reportError]);

  return { state, actions };
}
