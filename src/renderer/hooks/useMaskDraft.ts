/**
 * Autosaved mask drafts (masks.saveDraft): restored when the editor opens on
 * the version the draft was drawn on, saved a moment after the last edit,
 * cleared when the user empties the mask. Nothing is saved until the mask
 * was actually edited here, so opening another version never overwrites a
 * draft. Each layer travels as its bounding box (encodeMaskRegion): painting
 * a few spots on a 24-MP photo never encodes the whole frame. The saving
 * itself (debounce, order, a heal's hand-over) is DraftSaver's.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { StudioApi } from '../../shared/api';
import { afterDraftSaves, DraftSaver } from '../mask/draftSaver';
import { decodeMaskRegionPng } from '../mask/maskPngDecode';
import { createMask, type MaskRaster } from '../mask/tiledMask';

export { DRAFT_DELAY_MS } from '../mask/draftSaver';

export interface DraftStatus {
  readonly state: 'loading' | 'idle' | 'pending' | 'saving' | 'saved' | 'restored' | 'failed';
  readonly savedAt: string | null;
}

export interface MaskDraft {
  readonly status: DraftStatus;
  /** Saves this screen's edits; a spot heal hands the draft over through it (DraftSaver.handOver). */
  readonly saver: DraftSaver;
}

export function useMaskDraft(
  api: StudioApi, projectId: number, versionId: number, width: number, height: number,
  mask: MaskRaster, restore: (mask: MaskRaster) => void, onError: (err: unknown) => void,
  /** The exclusion ("protect from sampling") mask, saved beside the fill mask when it is not empty. */
  exclusion: MaskRaster | null = null, restoreExclusion?: (mask: MaskRaster) => void,
): MaskDraft {
  const [status, setStatus] = useState<DraftStatus>({ state: 'loading', savedAt: null });
  const baseline = useRef<MaskRaster | null>(null);
  const baselineExclusion = useRef<MaskRaster | null>(null);
  const latest = useRef({ restore, onError, restoreExclusion });
  latest.current = { restore, onError, restoreExclusion };
  const saver = useMemo(() => new DraftSaver(api, projectId, versionId, {
    saving: () => setStatus((s) => ({ ...s, state: 'saving' })),
    saved: (m, e, savedAt) => {
      baseline.current = m;
      baselineExclusion.current = e;
      setStatus({ state: savedAt === null ? 'idle' : 'saved', savedAt });
    },
    failed: (err) => { setStatus({ state: 'failed', savedAt: null }); latest.current.onError(err); },
  }), [api, projectId, versionId]);

  useEffect(() => {
    let live = true;
    // After any save still on its way (from the screen this one replaces), so the draft read is the latest.
    afterDraftSaves(api, projectId, () => api.call('masks.getDraft', { projectId }))
      .then(async (draft) => {
        if (!live) return;
        if (!draft || draft.versionId !== versionId) {
          setStatus({ state: 'idle', savedAt: null });
          return;
        }
        // A draft of the exclusion alone has no fill layer: the fill mask starts empty.
        const restored = draft.mask ? await decodeMaskRegionPng(draft.mask, width, height) : createMask(width, height);
        const restoredExclusion = draft.exclusion ? await decodeMaskRegionPng(draft.exclusion, width, height) : null;
        if (!live) return;
        baseline.current = restored;
        saver.restored(draft);
        latest.current.restore(restored);
        if (restoredExclusion) {
          baselineExclusion.current = restoredExclusion;
          latest.current.restoreExclusion?.(restoredExclusion);
        }
        setStatus({ state: 'restored', savedAt: draft.savedAt });
      })
      .catch((err: unknown) => {
        if (!live) return;
        setStatus({ state: 'failed', savedAt: null });
        latest.current.onError(err);
      });
    return () => { live = false; };
  }, [api, saver, projectId, versionId, width, height]);

  const ready = status.state !== 'loading';
  useEffect(() => {
    if (!ready) return;
    if (baseline.current === null) baseline.current = mask;
    if (baselineExclusion.current === null) baselineExclusion.current = exclusion;
    if (mask === baseline.current && exclusion === baselineExclusion.current) {
      saver.cancel();
      return;
    }
    setStatus((s) => (s.state === 'pending' ? s : { ...s, state: 'pending' }));
    saver.schedule(mask, exclusion);
  }, [saver, mask, exclusion, ready]);
  // Leaving the screen (another version, a heal's new one, the project list) saves what is still pending.
  useEffect(() => () => { void saver.flush(); }, [saver]);

  return { status, saver };
}
