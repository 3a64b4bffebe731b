/** "About N s on this machine": asks jobs.estimate a moment after the mask or the parameters settle. */
import { useEffect, useState } from 'react';
import type { StudioApi } from '../../shared/api';
import { encodeMaskRegion } from '../mask/maskPng';
import { isMaskEmpty, type MaskRaster } from '../mask/tiledMask';
import { toInpaintParams, type FillParams } from '../state/fillParams';

export interface Estimate { readonly seconds: number; readonly slow: boolean }

export function useFillEstimate(api: StudioApi, projectId: number, mask: MaskRaster, params: FillParams, enabled: boolean): Estimate | null {
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  const key = JSON.stringify(toInpaintParams(params));
  useEffect(() => {
    if (!enabled || isMaskEmpty(mask)) {
      setEstimate(null);
      return;
    }
    let live = true;
    const timer = window.setTimeout(() => {
      encodeMaskRegion(mask)
        .then((region) => api.call('jobs.estimate', { projectId, mask: region, params: JSON.parse(key) as ReturnType<typeof toInpaintParams> }))
        .then((r) => { if (live) setEstimate({ seconds: r.seconds, slow: r.slow }); })
        // An estimate is a courtesy: without one the fill still works, so a failure only clears it.
        .catch((err: unknown) => { if (live) setEstimate(null); console.warn('Inpaint Studio: no time estimate:', err); });
    }, 1200);
    return () => { live = false; window.clearTimeout(timer); };
  }, [api, projectId, mask, key, enabled]);
  return estimate;
}
