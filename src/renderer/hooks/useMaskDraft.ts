/**
 * Autosaved mask drafts (masks.saveDraft): restored when the editor opens on
 * the version the draft was drawn on, saved a moment after the last edit,
 * cleared when the user empties the mask. Nothing is saved until the mask
 * was actually edited here, so opening another version never overwrites a
 * draft. Each layer travels as its bounding box (encodeMaskRegion): painting
 * a few spots on a 24-MP photo never encodes the whole frame.
 */
import { useEffect, useRef, useState } from 'react';
import type { StudioApi } from '../../shared/api';
import { encodeMaskRegion } from '../mask/maskPng';
import { decodeMaskRegionPng } from '../mask/maskPngDecode';
import { createMask, isMaskEmpty, type MaskRaster } from '../mask/tiledMask';

export const DRAFT_DELAY_MS = 800;

export interface DraftStatus {
  readonly state: 'loading' | 'idle' | 'pending' | 'saving' | 'saved' | 'restored' | 'failed';
  readonly savedAt: string | null;
}

export function useMaskDraft(
  api: StudioApi, projectId: number, versionId: number, width: number, height: number,
  mask: MaskRaster, restore: (mask: MaskRaster) => void, onError: (err: unknown) => void,
  /** The exclusion ("protect from sampling") mask, saved beside the fill mask when it is not empty. */
  exclusion: MaskRaster | null = null, restoreExclusion?: (mask: MaskRaster) => void,
): DraftStatus {
  const [status, setStatus] = useState<DraftStatus>({ state: 'loading', savedAt: null });
  const baseline = useRef<MaskRaster | null>(null);
  const baselineExclusion = useRef<MaskRaster | null>(null);
  const saved = useRef(false);
  const latest = useRef({ restore, onError, restoreExclusion });
  latest.current = { restore, onError, restoreExclusion };

  useEffect(() => {
    let live = true;
    api.call('masks.getDraft', { projectId })
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
        saved.current = true;
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
  }, [api, projectId, versionId, width, height]);

  const ready = status.state !== 'loading';
  useEffect(() => {
    if (!ready) return;
    if (baseline.current === null) baseline.current = mask;
    if (baselineExclusion.current === null) baselineExclusion.current = exclusion;
    if (mask === baseline.current && exclusion === baselineExclusion.current) return;
    setStatus((s) => (s.state === 'pending' ? s : { ...s, state: 'pending' }));
    const timer = window.setTimeout(() => {
      const withExclusion = exclusion !== null && !isMaskEmpty(exclusion);
      const empty = isMaskEmpty(mask) && !withExclusion;
      if (empty && !saved.current) return;
      setStatus((s) => ({ ...s, state: 'saving' }));
      const work = empty
        ? api.call('masks.clearDraft', { projectId }).then(() => { saved.current = false; return null; })
        : Promise.all([isMaskEmpty(mask) ? null : encodeMaskRegion(mask), withExclusion ? encodeMaskRegion(exclusion) : null])
          .then(([region, excl]) => api.call('masks.saveDraft', { projectId, versionId, mask: region, ...(excl ? { exclusion: excl } : {}) }))
          .then((r) => { saved.current = true; return r.savedAt; });
      work.then(
        (savedAt) => { baseline.current = mask; baselineExclusion.current = exclusion; setStatus({ state: empty ? 'idle' : 'saved', savedAt }); },
        (err: unknown) => { setStatus({ state: 'failed', savedAt: null }); latest.current.onError(err); },
      );
    }, DRAFT_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [api, projectId, versionId, mask, exclusion, ready]);

  return status;
}
