import { useRef } from 'react';
import type { DraftStatus } from '../hooks/useMaskDraft';
import type { OverlayLook } from '../state/editorState';

interface Props {
  readonly empty: boolean;
  readonly overlay: OverlayLook;
  readonly grow: number;
  readonly featherPreview: boolean;
  readonly draft: DraftStatus;
  readonly onGrowPreview: (px: number) => void;
  readonly onGrowApply: () => void;
  readonly onFeatherPreview: (on: boolean) => void;
  readonly onInvert: () => void;
  readonly onClear: () => void;
  readonly onOverlay: (o: Partial<OverlayLook>) => void;
  readonly onSave: () => void;
  readonly onLoad: (file: File) => void;
}

function draftText(d: DraftStatus): string {
  const at = d.savedAt ? new Date(d.savedAt).toLocaleTimeString() : '';
  switch (d.state) {
    case 'loading': return 'Looking for a saved draft…';
    case 'restored': return `Draft from ${at} restored`;
    case 'pending': return 'Unsaved edits: the draft is saved in a moment';
    case 'saving': return 'Saving draft…';
    case 'saved': return `Draft saved ${at}`;
    case 'failed': return 'The draft could not be saved';
    case 'idle': return 'Edits are saved as a draft automatically';
  }
}

/** Whole-mask edits, the grow/shrink and feather previews, the overlay's look, and mask files. */
export function MaskPanel(p: Props) {
  const file = useRef<HTMLInputElement>(null);
  return (
    <section className="panel" aria-labelledby="mask-heading">
      <h2 id="mask-heading">Mask</h2>
      <div className="actions wrap">
        <button type="button" onClick={p.onInvert} title="Invert (Ctrl+I)">Invert</button>
        <button type="button" disabled={p.empty} onClick={p.onClear}>Clear mask</button>
        <button type="button" disabled={p.empty} onClick={p.onSave}>Save mask…</button>
        <button type="button" onClick={() => file.current?.click()}>Load mask…</button>
        <input ref={file} type="file" className="visually-hidden" accept="image/png,.png" aria-label="Mask PNG file" tabIndex={-1}
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (f) p.onLoad(f);
          }} />
      </div>
      <div className="fields">
        <label>
          <span>Grow / shrink</span>
          <span className="inline">
            <input type="range" min={-50} max={50} step={1} value={p.grow} disabled={p.empty} aria-label="Grow or shrink the mask (px)"
              onChange={(e) => p.onGrowPreview(Number(e.currentTarget.value))} />
            <output className="small">{p.grow > 0 ? '+' : ''}{p.grow} px</output>
          </span>
        </label>
        <div className="actions">
          <button type="button" disabled={p.grow === 0 || p.empty} onClick={p.onGrowApply}>Apply {p.grow < 0 ? 'shrink' : 'grow'}</button>
          <button type="button" disabled={p.grow === 0} onClick={() => p.onGrowPreview(0)}>Reset</button>
        </div>
        <label className="check">
          <input type="checkbox" checked={p.featherPreview} onChange={(e) => p.onFeatherPreview(e.currentTarget.checked)} />
          <span>Preview the feathered edge</span>
        </label>
        <label>
          <span>Overlay</span>
          <span className="inline">
            <input type="color" value={p.overlay.colour} aria-label="Overlay colour" onChange={(e) => p.onOverlay({ colour: e.currentTarget.value })} />
            <input type="range" min={0.1} max={1} step={0.05} value={p.overlay.opacity} aria-label="Overlay opacity"
              onChange={(e) => p.onOverlay({ opacity: Number(e.currentTarget.value) })} />
          </span>
        </label>
      </div>
      <p className="small muted" data-testid="draft-status" data-state={p.draft.state}>{draftText(p.draft)}</p>
    </section>
  );
}
