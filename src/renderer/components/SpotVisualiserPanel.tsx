import { MAX_SPOT_THRESHOLD, MIN_SPOT_THRESHOLD } from '../view/spotMap';

interface Props {
  readonly on: boolean;
  readonly threshold: number;
  /** The map is shown (computed for the current image). */
  readonly shown: boolean;
  readonly onToggle: (on: boolean) => void;
  readonly onThreshold: (t: number) => void;
}

/** "Visualise spots": a toggle and the threshold at which a speck lights up. */
export function SpotVisualiserPanel(p: Props) {
  return (
    <section className="panel" aria-labelledby="spots-heading" data-testid="spot-visualiser" data-on={p.on ? 'true' : 'false'} data-shown={p.shown ? 'true' : 'false'}>
      <h2 id="spots-heading">Spots</h2>
      <label className="check">
        <input type="checkbox" checked={p.on} onChange={(e) => p.onToggle(e.currentTarget.checked)} />
        <span>Visualise spots (V)</span>
      </label>
      <label>
        <span>Threshold</span>
        <span className="inline">
          <input type="range" min={MIN_SPOT_THRESHOLD} max={MAX_SPOT_THRESHOLD} step={1} value={p.threshold} disabled={!p.on}
            aria-label="Spot threshold" onChange={(e) => p.onThreshold(Number(e.currentTarget.value))} />
          <output className="small">{p.threshold}</output>
        </span>
      </label>
      {p.on && <p className="small muted">Dust and specks show white; lower the threshold to see fainter ones. Spot heal (J) works in this view.</p>}
    </section>
  );
}
