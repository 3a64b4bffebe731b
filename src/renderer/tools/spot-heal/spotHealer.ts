/**
 * One-click spot heal: each click becomes a one-sample PatchMatch job on a
 * disc mask, and its sample is applied at once as the new version (it stays
 * in the history and can be reverted like any other). Clicks queue up, each
 * healing the version the previous one produced. The user's painted masks
 * are carried over to the new version untouched, and a saved draft is moved
 * along with them. Lives above the editor screen, which remounts for every
 * new version.
 */
import { ERROR_CODES, type ErrorCode, StudioError } from '../../../shared/errors';
import type { EventMap, ProjectDetail, StudioApi } from '../../../shared/api';
import { afterDraftSaves, type DraftHandOver } from '../../mask/draftSaver';
import { encodeMaskRegion } from '../../mask/maskPng';
import { isMaskEmpty, type MaskRaster } from '../../mask/tiledMask';
import type { EditorState } from '../../state/editorState';
import { latestVersion, spotMask, spotParams, type SpotCircle } from './spotMask';

export interface HealRequest {
  readonly projectId: number;
  /** The version the click was made on. */
  readonly versionId: number;
  readonly width: number;
  readonly height: number;
  readonly circle: SpotCircle;
  readonly seed: number;
  /** The "protect from sampling" mask at the time of the click, if any: PatchMatch takes no patches from it. */
  readonly exclusion?: MaskRaster | null;
  readonly onApplied: (detail: ProjectDetail) => void;
  readonly onError: (err: unknown) => void;
}

type Finished = Pick<EventMap['job.finished'], 'status' | 'error'>;

/** How often the stored run is checked in case its `job.finished` event was lost. */
const POLL_MS = 2000;

function errorCode(code: string | undefined, fallback: ErrorCode): ErrorCode {
  return code !== undefined && (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : fallback;
}

export class SpotHealer {
  private queue: Promise<void> = Promise.resolve();
  private readonly produced = new Map<number, number>();
  private carried: { readonly versionId: number; readonly state: EditorState } | null = null;
  private editor: { readonly read: () => EditorState; readonly draft: DraftHandOver | null } | null = null;
  private waiting = 0;
  private readonly listeners = new Set<(pending: number) => void>();

  constructor(private readonly api: StudioApi) {}

  /**
   * The mounted editor registers how to read its current state and the
   * saver of its draft (which a heal flushes before moving the draft);
   * returns the detach function.
   */
  attach(read: () => EditorState, draft: DraftHandOver | null = null): () => void {
    const editor = { read, draft };
    this.editor = editor;
    return () => { if (this.editor === editor) this.editor = null; };
  }

  /**
   * The editor state carried over to `versionId` by a heal (null if none).
   * Pure, so a state initialiser may call it more than once; the screen
   * calls `releaseCarried` once it has mounted.
   */
  takeCarried(versionId: number): EditorState | null {
    const c = this.carried;
    return c && c.versionId === versionId ? c.state : null;
  }

  releaseCarried(versionId: number): void {
    if (this.carried?.versionId === versionId) this.carried = null;
  }

  pending(): number {
    return this.waiting;
  }

  onPending(listener: (pending: number) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** Queues a heal; returns false (nothing queued) when the circle misses the photo. */
  heal(req: HealRequest): boolean {
    const mask = spotMask(req.width, req.height, req.circle);
    if (!mask) return false;
    this.setWaiting(this.waiting + 1);
    const done = this.queue
      .then(() => this.run(req, mask))
      .catch((err: unknown) => req.onError(err))
      .finally(() => this.setWaiting(this.waiting - 1));
    this.queue = done.catch(() => undefined); // the next click runs whatever became of this one
    return true;
  }

  private setWaiting(n: number): void {
    this.waiting = n;
    for (const l of this.listeners) l(n);
  }

  private async run(req: HealRequest, mask: MaskRaster): Promise<void> {
    const api = this.api;
    const base = latestVersion(this.produced, req.versionId);
    // Subscribe before starting: a dust spot can finish before `jobs.inpaint` answers.
    const finished = new Map<number, Finished>();
    let wake: (() => void) | null = null;
    const unsubscribe = api.subscribe((e) => {
      if (e.type !== 'job.finished') return;
      finished.set(e.payload.runId, e.payload);
      wake?.();
    });
    let timer: ReturnType<typeof setInterval> | null = null;
    try {
      // Only the disc's box is encoded and sent: a few hundred pixels, whatever the photo's size.
      const [region, exclusion] = await Promise.all([
        encodeMaskRegion(mask),
        req.exclusion && !isMaskEmpty(req.exclusion) ? encodeMaskRegion(req.exclusion) : null,
      ]);
      const { runId } = await api.call('jobs.inpaint', {
        projectId: req.projectId, versionId: base, mask: region, params: spotParams(req.seed), purpose: 'spot-heal',
        ...(exclusion ? { exclusion } : {}),
      });
      const end = await new Promise<Finished>((resolve, reject) => {
        wake = () => {
          const f = finished.get(runId);
          if (f) resolve(f);
        };
        wake();
        timer = setInterval(() => {
          api.call('projects.get', { projectId: req.projectId }).then((d) => {
            const run = d.runs.find((r) => r.id === runId);
            if (run && run.status !== 'running') {
              resolve({ status: run.status, error: run.error === null ? null : { code: run.status === 'cancelled' ? 'CANCELLED' : 'INTERNAL', message: run.error } });
            }
          }, reject);
        }, POLL_MS);
      });
      if (end.status !== 'done') {
        throw new StudioError(errorCode(end.error?.code, end.status === 'cancelled' ? 'CANCELLED' : 'INTERNAL'), `Spot heal: ${end.error?.message ?? `the heal was ${end.status}`}`);
      }
      const detail = await api.call('versions.apply', { runId, sampleIndex: 0 });
      const head = detail.project.headVersionId;
      this.produced.set(base, head);
      await this.moveDraft(req.projectId, base, head);
      const state = this.editor?.read();
      this.carried = state ? { versionId: head, state } : null;
      req.onApplied(detail);
    } finally {
      if (timer !== null) clearInterval(timer);
      unsubscribe();
    }
  }

  /**
   * A draft drawn on the healed version follows it to the new one, so a
   * reload still finds it. The service re-keys it: a heal keeps the photo's
   * size, so the draft's boxes and PNGs are the same on the new version and
   * nothing is decoded or encoded. The editor's pending save is made first
   * and the move waits for every save on its way, so the moved draft holds
   * every stroke and no save for `from` lands after it; the editor's later
   * saves go to `to`.
   */
  private async moveDraft(projectId: number, from: number, to: number): Promise<void> {
    const move = () => this.api.call('masks.moveDraft', { projectId, fromVersionId: from, toVersionId: to });
    const draft = this.editor?.draft;
    await (draft ? draft.handOver(from, to, move) : afterDraftSaves(this.api, projectId, move));
  }
}
