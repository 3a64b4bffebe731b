import { useState } from 'react';
import type { StudioApi } from '../../shared/api';
import type { MaskRaster } from '../mask/tiledMask';
import { decodeMaskPng } from '../mask/maskPngDecode';

/** Common COCO classes a photographer removes; the detector knows all 80. */
const CLASSES = ['person', 'car', 'bicycle', 'motorcycle', 'bus', 'truck', 'boat', 'dog', 'cat', 'bird', 'bench', 'umbrella', 'backpack', 'handbag', 'bottle', 'chair'] as const;

/**
 * Semantic selection: every detected object of a class, refined to its
 * edges and grown a little, added to (or removed from) the mask as one
 * undoable step.
 */
export function SelectPanel({ api, versionId, width, height, onSelection, onError }: {
  readonly api: StudioApi; readonly versionId: number; readonly width: number; readonly height: number;
  readonly onSelection: (selection: MaskRaster, label: string, subtract: boolean) => void;
  readonly onError: (err: unknown) => void;
}) {
  const [className, setClassName] = useState<string>('person');
  const [subtract, setSubtract] = useState(false);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  /** Grow margin in px; empty = the default (0.3 % of the photo's long side, at least 2 px). */
  const [margin, setMargin] = useState<string>('');
  const growPx = margin.trim() === '' ? undefined : Math.max(0, Math.min(256, Math.round(Number(margin)) || 0));

  const selectAll = (): void => {
    setBusy(true);
    setNote(null);
    api.call('segment.select', { versionId, target: { className }, ...(growPx !== undefined ? { growPx } : {}) })
      .then(async (r) => {
        if (r.layers.length === 0) {
          setNote(`No ${className} found in this photo.`);
          return;
        }
        onSelection(await decodeMaskPng(r.mask, width, height), `${className} ×${r.layers.length}`, subtract);
        setNote(`${subtract ? 'Removed' : 'Selected'} ${r.layers.length} ${className}${r.layers.length === 1 ? '' : 's'} (${(r.coverage * 100).toFixed(1)} % of the photo).`);
      })
      .catch(onError)
      .finally(() => setBusy(false));
  };

  return (
    <section className="panel select-panel" aria-label="Select objects">
      <h2>Select</h2>
      <div className="row">
        <label htmlFor="select-class">Objects</label>
        <select id="select-class" value={className} onChange={(e) => setClassName(e.target.value)}>
          {CLASSES.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      </div>
      <div className="row">
        <label htmlFor="select-margin">Margin (px)</label>
        <input id="select-margin" type="number" min={0} max={256} placeholder="auto" value={margin} onChange={(e) => setMargin(e.target.value)} />
      </div>
      <label className="row"><input type="checkbox" checked={subtract} onChange={(e) => setSubtract(e.target.checked)} /> subtract from the mask</label>
      <button type="button" disabled={busy} onClick={selectAll}>{busy ? 'Selecting…' : 'Select all'}</button>
      {note && <p className="muted small" role="status">{note}</p>}
    </section>
  );
}
