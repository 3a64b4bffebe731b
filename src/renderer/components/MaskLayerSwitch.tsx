import { MASK_LAYERS, type MaskLayer } from '../mask/exclusionLayer';

interface Props {
  readonly layer: MaskLayer;
  readonly fillPixels: number;
  readonly exclusionPixels: number;
  readonly onLayer: (layer: MaskLayer) => void;
  readonly onClearExclusion: () => void;
}

/** Which mask the tools paint: the fill mask or the exclusion mask ("protect from sampling"). */
export function MaskLayerSwitch(p: Props) {
  return (
    <section className="panel" aria-labelledby="layer-heading" data-testid="mask-layer" data-layer={p.layer}
      data-fill-filled={p.fillPixels} data-exclusion-filled={p.exclusionPixels}>
      <h2 id="layer-heading">Mask layer</h2>
      <div className="segmented" role="radiogroup" aria-label="Mask layer">
        {MASK_LAYERS.map((l) => (
          <button key={l.id} type="button" role="radio" aria-checked={p.layer === l.id} aria-pressed={p.layer === l.id}
            title={`${l.hint} (X switches)`} onClick={() => p.onLayer(l.id)}>
            <span className={`swatch swatch-${l.id}`} aria-hidden="true" />{l.label}
          </button>
        ))}
      </div>
      <p className="small muted">
        {p.layer === 'exclusion'
          ? 'Brush, eraser, lasso, rectangle and bucket now paint the blue protected area: PatchMatch never copies from it.'
          : p.exclusionPixels > 0 ? 'The blue area is protected from sampling in every fill.' : 'Switch to “Protect from sampling” to keep PatchMatch from copying from an area.'}
      </p>
      {p.exclusionPixels > 0 && <button type="button" onClick={p.onClearExclusion}>Clear protected area</button>}
    </section>
  );
}
