/**
 * One run's samples as a grid that fills in as they finish, with live x₀
 * previews while diffusion samples, each tile saying how it was made; the
 * set's diversity; and per sample: view on the canvas, compare, more like
 * this, apply.
 */
import type { AppInfo, RunSummary, SampleSummary } from '../../shared/api';
import { describeDiversity } from '../gallery/diversity';
import { thumbnailCrop } from '../gallery/thumbCrop';
import { useBlobUrls } from '../hooks/useBlobUrls';
import { useDiversity } from '../hooks/useDiversity';
import type { PreviewView } from '../state/studioState';
import { useApi } from './ApiContext';
import { providerName } from '../../shared/devices';

export type CompareRequest = { readonly mode: 'split' | 'heatmap'; readonly a: number } | { readonly mode: 'side'; readonly a: number; readonly b: number };

interface Props {
  readonly info: AppInfo | null;
  readonly runId: number;
  readonly run: RunSummary | null;
  readonly samples: readonly SampleSummary[];
  /** How many samples the run makes (tiles wait for the rest). */
  readonly expected: number;
  readonly finished: boolean;
  readonly running: boolean;
  readonly cancelling: boolean;
  readonly preview: PreviewView | null;
  readonly imageWidth: number;
  readonly imageHeight: number;
  readonly busy: boolean;
  readonly previewId: number | null;
  readonly selected: readonly number[];
  readonly canMoreLikeThis: boolean;
  readonly onSelect: (sampleId: number) => void;
  readonly onPreview: (sampleId: number | null) => void;
  readonly onCompare: (request: CompareRequest) => void;
  readonly onMoreLikeThis: (sample: SampleSummary) => void;
  readonly onApply: (runId: number, sampleIndex: number) => void;
  readonly onCancel: () => void;
  readonly onDiscard: () => void;
}

const ASPECT = 4 / 3;

/** Where a diffusion run ran, and why a faster device was passed over (as a tooltip). */
function DeviceBadge({ run }: { run: RunSummary }) {
  if (run.params.method !== 'diffusion' || !run.device) return null;
  const name = providerName(run.device);
  if (!run.deviceNote) return <span className="small muted" data-testid="run-device">on {name}</span>;
  return (
    <span className="small muted device-note" data-testid="run-device" tabIndex={0}
      title={`Not used:\n${run.deviceNote}\n\nRun inpaint-studio doctor for the set-up.`}>
      on {name} · {run.device === 'cpu' ? 'GPU not used' : 'see why'}<span className="visually-hidden"> ({run.deviceNote.replace(/\n/g, '; ')})</span>
    </span>
  );
}

export function modelLabel(info: AppInfo | null, run: RunSummary | null): string {
  if (!run) return '';
  if (run.params.method === 'patchmatch') return 'PatchMatch';
  const name = info?.models.find((m) => m.id === run.params.model)?.name;
  return `Diffusion · ${name ? `${name} (${run.params.model})` : (run.params.model ?? 'default model')}`;
}

function Thumb({ url, sample, width, height }: { url: string; sample: SampleSummary; width: number; height: number }) {
  const c = thumbnailCrop(sample, width, height, ASPECT);
  return (
    <div className="thumb">
      <img src={url} alt={`Sample ${sample.index + 1}, seed ${sample.seed}`} draggable={false}
        style={{ width: `${(width / c.width) * 100}%`, height: `${(height / c.height) * 100}%`, left: `${(-c.x / c.width) * 100}%`, top: `${(-c.y / c.height) * 100}%` }} />
    </div>
  );
}

export function Gallery(p: Props) {
  const api = useApi();
  const previews = useBlobUrls(p.preview?.images ?? null);
  const report = useDiversity(p.samples, p.finished, p.imageWidth, (id) => api.fileUrl({ kind: 'sample-proxy', id }));
  const byIndex = new Map(p.samples.map((s) => [s.index, s]));
  const count = Math.max(p.expected, p.samples.length);
  const label = modelLabel(p.info, p.run);
  const steps = p.run?.params.steps;
  const sampler = p.run?.params.sampler;
  const [a, b] = p.selected;
  return (
    <section className="gallery" data-testid="result-view" data-run-id={p.runId} data-finished={p.finished ? 'true' : 'false'}
      data-diversity={report?.score ?? ''} aria-labelledby="gallery-heading">
      <header className="gallery-header">
        <h2 id="gallery-heading">Run {p.runId} · {p.samples.length}/{count} samples</h2>
        <span className="small muted">{label}{sampler ? ` · ${sampler.toUpperCase()}` : ''}{steps ? ` · ${steps} steps` : ''}{p.run?.params.strength != null ? ` · strength ${p.run.params.strength}` : ''}</span>
        {p.run && <DeviceBadge run={p.run} />}
        {report?.score != null && (
          <span className="badge-soft" data-testid="diversity" title="Mean absolute difference between every pair of samples inside the mask's box (0–100 %)">
            Diversity {(report.score * 100).toFixed(1)} % · {describeDiversity(report.score)}
          </span>
        )}
        {p.preview && !p.finished && <span className="small muted">Step {p.preview.step}/{p.preview.total}</span>}
        <span className="gallery-actions">
          {p.running && <button type="button" disabled={p.cancelling} onClick={p.onCancel}>{p.cancelling ? 'Cancelling…' : 'Cancel run'}</button>}
          <button type="button" disabled={a === undefined || b === undefined} title="Tick two samples to compare them side by side"
            onClick={() => a !== undefined && b !== undefined && p.onCompare({ mode: 'side', a, b })}>Side by side</button>
          <button type="button" onClick={p.onDiscard}>Close gallery</button>
        </span>
      </header>
      <ul className="gallery-grid">
        {Array.from({ length: count }, (_, index) => {
          const s = byIndex.get(index);
          const live = previews[index];
          if (!s) {
            return (
              <li key={`pending-${index}`} className="tile pending" data-testid="gallery-tile" data-state={live ? 'preview' : 'waiting'}>
                <div className="thumb">{live ? <img className="live" src={live} alt={`Sample ${index + 1}, preview at step ${p.preview?.step}`} /> : <span className="muted small">Sample {index + 1}…</span>}</div>
                <p className="small muted">{live ? `x₀ preview, step ${p.preview?.step}/${p.preview?.total}` : p.running ? 'Waiting…' : 'Not made'}</p>
              </li>
            );
          }
          const url = api.fileUrl({ kind: 'sample-proxy', id: s.id });
          const picked = p.selected.includes(s.id);
          return (
            <li key={s.id} className={`tile${p.previewId === s.id ? ' viewing' : ''}`} data-testid="gallery-tile" data-state="done" data-sample-id={s.id} data-seed={s.seed}>
              <Thumb url={url} sample={s} width={p.imageWidth} height={p.imageHeight} />
              <p className="small tile-meta">
                <strong>#{s.index + 1}</strong> · seed {s.seed} · <span title="Ready this long after the run started">at {(s.millis / 1000).toFixed(1)} s</span>
                {report && report.distinctness[s.index] !== undefined && <> · Δ {(report.distinctness[s.index]! * 100).toFixed(1)} %</>}
                <br /><span className="muted">{label}{steps ? ` · ${steps} steps` : ''}</span>
              </p>
              <div className="sample-actions">
                <label className="check small"><input type="checkbox" checked={picked} onChange={() => p.onSelect(s.id)} aria-label={`Select sample ${s.index + 1} for side by side`} />pick</label>
                <button type="button" aria-pressed={p.previewId === s.id} onClick={() => p.onPreview(p.previewId === s.id ? null : s.id)}>
                  {p.previewId === s.id ? 'Show mask' : 'View large'}
                </button>
                <button type="button" onClick={() => p.onCompare({ mode: 'split', a: s.id })}>Compare</button>
                <button type="button" disabled={!p.finished || !p.canMoreLikeThis || p.running} onClick={() => p.onMoreLikeThis(s)}
                  title="Run again with the seeds right after this one">More like this</button>
                <button type="button" className="primary" disabled={!p.finished || p.busy} onClick={() => p.onApply(p.runId, s.index)}>
                  Apply sample {s.index + 1}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
