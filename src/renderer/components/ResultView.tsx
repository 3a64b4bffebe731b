import type { SampleSummary } from '../../shared/api';
import { useApi } from './ApiContext';

interface Props {
  readonly runId: number;
  readonly samples: readonly SampleSummary[];
  readonly finished: boolean;
  readonly busy: boolean;
  /** The sample shown on the canvas instead of the photo, if any. */
  readonly previewId: number | null;
  readonly onPreview: (sampleId: number | null) => void;
  readonly onApply: (runId: number, sampleIndex: number) => void;
  readonly onDiscard: () => void;
}

export function ResultView({ runId, samples, finished, busy, previewId, onPreview, onApply, onDiscard }: Props) {
  const api = useApi();
  return (
    <section className="panel result" data-testid="result-view" data-run-id={runId} aria-labelledby="result-heading">
      <h2 id="result-heading">Result</h2>
      {samples.length === 0 && <p className="muted">{finished ? 'Loading the samples…' : 'Waiting for the first sample…'}</p>}
      <ul className="samples">
        {samples.map((s) => (
          <li key={s.id} className="sample">
            <img src={api.fileUrl({ kind: 'sample-proxy', id: s.id })} alt={`Sample ${s.index + 1}, seed ${s.seed}`} />
            <div className="sample-actions">
              <span className="small muted">Sample {s.index + 1} · seed {s.seed} · {(s.millis / 1000).toFixed(1)} s</span>
              <button type="button" aria-pressed={previewId === s.id} onClick={() => onPreview(previewId === s.id ? null : s.id)}>
                {previewId === s.id ? 'Show mask' : 'View large'}
              </button>
              <button type="button" className="primary" disabled={!finished || busy} onClick={() => onApply(runId, s.index)}>
                Apply sample {s.index + 1}
              </button>
            </div>
          </li>
        ))}
      </ul>
      <button type="button" onClick={onDiscard}>Discard result</button>
    </section>
  );
}
