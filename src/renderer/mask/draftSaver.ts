/**
 * The saving half of the autosaved mask draft (useMaskDraft), apart from
 * React: a save a moment after the last edit, to the version the draft
 * belongs to. A project's draft calls (saves, clears, reads, a heal's move)
 * run one after the other, whichever editor screen made them, so an older
 * save never lands after a newer one or after a move. A spot heal hands the
 * draft over (handOver): the pending save is made at once, the move waits
 * for it, and later saves go to the new version, so no stroke is lost and
 * nothing saved for the old version lands after the move.
 */
import type { MaskRegion, StudioApi } from '../../shared/api';
import { encodeMaskRegion } from './maskPng';
import { isMaskEmpty, type MaskRaster } from './tiledMask';

export const DRAFT_DELAY_MS = 800;

export interface DraftSaveEvents {
  /** A save or clear is under way. */
  readonly saving: () => void;
  /** These masks are now what the draft holds; savedAt null: both empty, so there is no draft. */
  readonly saved: (mask: MaskRaster, exclusion: MaskRaster | null, savedAt: string | null) => void;
  readonly failed: (err: unknown) => void;
}

/** What a spot heal needs from the mounted editor's draft; see DraftSaver.handOver. */
export interface DraftHandOver {
  handOver(from: number, to: number, move: () => Promise<DraftMoved>): Promise<DraftMoved>;
}

/** The answer of masks.moveDraft: whether the draft was on `from` and now is on `to`. */
export interface DraftMoved {
  readonly moved: boolean;
}

/** A stored draft's layers as the service holds them (masks.getDraft), and when they were saved. */
export interface StoredDraft {
  readonly mask: MaskRegion | null;
  readonly exclusion: MaskRegion | null;
  readonly savedAt: string;
}

const sameRegion = (a: MaskRegion | null, b: MaskRegion | null): boolean =>
  a === b || (a !== null && b !== null && a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height
    && a.png.length === b.png.length && a.png.every((v, i) => v === b.png[i]));

/** The tail of each project's draft calls, per API (one in the app; one per test). */
const queues = new WeakMap<StudioApi, Map<number, Promise<unknown>>>();

/** Runs `work` once every draft call of the project queued before it has settled. */
export function afterDraftSaves<T>(api: StudioApi, projectId: number, work: () => Promise<T>): Promise<T> {
  let byProject = queues.get(api);
  if (!byProject) queues.set(api, byProject = new Map());
  const run = (byProject.get(projectId) ?? Promise.resolve()).then(work);
  byProject.set(projectId, run.catch(() => undefined));
  return run;
}

export class DraftSaver implements DraftHandOver {
  private target: number;
  private pending: { readonly timer: ReturnType<typeof setTimeout>; readonly mask: MaskRaster; readonly exclusion: MaskRaster | null } | null = null;
  /** Whether the project's draft is one restored or saved here: only then does emptying the masks clear it. */
  private owned = false;
  /** What the stored draft holds, as far as this saver knows (restored or saved here), and on which version. */
  private held: (StoredDraft & { readonly versionId: number }) | null = null;

  constructor(private readonly api: StudioApi, private readonly projectId: number, versionId: number, private readonly events: DraftSaveEvents) {
    this.target = versionId;
  }

  /** The version saves go to: the editor's, or the one a heal handed the draft over to. */
  get versionId(): number {
    return this.target;
  }

  /**
   * The draft was restored from this version: emptying the masks now clears
   * it, and a save of the same layers (an editor that kept its own, equal
   * mask) writes nothing.
   */
  restored(draft: StoredDraft): void {
    this.owned = true;
    this.held = { ...draft, versionId: this.target };
  }

  /** Saves these masks DRAFT_DELAY_MS from now, unless another edit comes first. */
  schedule(mask: MaskRaster, exclusion: MaskRaster | null): void {
    this.cancel();
    this.pending = { timer: setTimeout(() => this.savePending(), DRAFT_DELAY_MS), mask, exclusion };
  }

  /** Drops the pending save (the masks went back to what the draft holds). */
  cancel(): void {
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = null;
  }

  /** Makes the pending save now; resolves once it and every draft call before it have settled. */
  flush(): Promise<void> {
    this.savePending();
    return afterDraftSaves(this.api, this.projectId, async () => undefined);
  }

  /**
   * A heal made version `to` from `from`: the pending save is made now, then
   * `move` (which moves the draft) runs once every save before it has
   * landed; if this editor's draft was on `from`, its later saves go to `to`.
   */
  handOver(from: number, to: number, move: () => Promise<DraftMoved>): Promise<DraftMoved> {
    this.savePending();
    return afterDraftSaves(this.api, this.projectId, async () => {
      const result = await move();
      if (this.target === from) this.target = to;
      // The service re-keys the draft without touching its layers.
      if (this.held?.versionId === from) this.held = result.moved ? { ...this.held, versionId: to } : null;
      return result;
    });
  }

  private savePending(): void {
    const p = this.pending;
    if (!p) return;
    this.cancel();
    afterDraftSaves(this.api, this.projectId, () => this.save(p.mask, p.exclusion)).then(
      (savedAt) => this.events.saved(p.mask, p.exclusion, savedAt),
      (err: unknown) => this.events.failed(err),
    );
  }

  private async save(mask: MaskRaster, exclusion: MaskRaster | null): Promise<string | null> {
    const withExclusion = exclusion !== null && !isMaskEmpty(exclusion);
    const empty = isMaskEmpty(mask) && !withExclusion;
    // Nothing was drafted here: a draft of another version stays where it is.
    if (empty && !this.owned) return null;
    if (empty) {
      this.events.saving();
      await this.api.call('masks.clearDraft', { projectId: this.projectId });
      this.owned = false;
      this.held = null;
      return null;
    }
    const [region, excl] = await Promise.all([isMaskEmpty(mask) ? null : encodeMaskRegion(mask), withExclusion ? encodeMaskRegion(exclusion) : null]);
    // The same layers as the stored draft of this version: nothing to write.
    const h = this.held;
    if (h && h.versionId === this.target && sameRegion(h.mask, region) && sameRegion(h.exclusion, excl)) return h.savedAt;
    this.events.saving();
    const r = await this.api.call('masks.saveDraft', { projectId: this.projectId, versionId: this.target, mask: region, ...(excl ? { exclusion: excl } : {}) });
    this.owned = true;
    this.held = r.savedAt === null ? null : { versionId: this.target, mask: region, exclusion: excl, savedAt: r.savedAt };
    return r.savedAt;
  }
}
