import type { AppInfo, FillMethod } from '../../shared/api';
import { availableMethods, MAX_FEATHER, MAX_SEED, maxSamples, type FillParams, type FillParamsInput } from '../state/fillParams';
import type { JobView } from '../state/studioState';
import { JobProgress } from './JobProgress';

const METHOD_LABELS: Record<FillMethod, string> = { patchmatch: 'PatchMatch', diffusion: 'Diffusion' };

interface Props {
  readonly info: AppInfo | null;
  readonly params: FillParams;
  readonly job: JobView | null;
  readonly maskEmpty: boolean;
  readonly onParams: (input: FillParamsInput) => void;
  readonly onFill: () => void;
  readonly onCancel: () => void;
}

export function FillPanel({ info, params, job, maskEmpty, onParams, onFill, onCancel }: Props) {
  const running = job !== null;
  return (
    <section className="panel" aria-labelledby="fill-heading">
      <h2 id="fill-heading">Fill</h2>
      <div className="fields">
        <label>
          <span>Method</span>
          <select value={params.method} disabled={running} onChange={(e) => onParams({ type: 'method', value: e.currentTarget.value })}>
            {availableMethods(info).map((m) => <option key={m} value={m}>{METHOD_LABELS[m]}</option>)}
          </select>
        </label>
        {params.method === 'diffusion' && info && info.models.length > 0 && (
          <label>
            <span>Model</span>
            <select value={params.model ?? ''} disabled={running} onChange={(e) => onParams({ type: 'model', value: e.currentTarget.value })}>
              {info.models.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
            </select>
          </label>
        )}
        <label>
          <span>Samples</span>
          <input type="number" min={1} max={maxSamples(info)} step={1} value={params.samples} disabled={running}
            onChange={(e) => onParams({ type: 'samples', value: e.currentTarget.valueAsNumber })} />
        </label>
        <label>
          <span>Seed</span>
          <span className="inline">
            <input type="number" min={0} max={MAX_SEED} step={1} value={params.seed} disabled={running}
              onChange={(e) => onParams({ type: 'seed', value: e.currentTarget.valueAsNumber })} />
            <button type="button" disabled={running} title="Pick a random seed"
              onClick={() => onParams({ type: 'seed', value: Math.floor(Math.random() * MAX_SEED) })}>New seed</button>
          </span>
        </label>
        <label>
          <span>Feather (px)</span>
          <input type="number" min={0} max={MAX_FEATHER} step={1} value={params.feather} disabled={running}
            onChange={(e) => onParams({ type: 'feather', value: e.currentTarget.valueAsNumber })} />
        </label>
      </div>
      <div className="actions">
        <button type="button" className="primary" disabled={maskEmpty || running} onClick={onFill}
          title={maskEmpty ? 'Paint over what should be filled first' : undefined}>
          Fill
        </button>
        {running && (
          <button type="button" disabled={!job.jobId || job.cancelling} onClick={onCancel}>Cancel</button>
        )}
      </div>
      {maskEmpty && !running && <p className="muted small">Paint over what should go; the fill is disabled while the mask is empty.</p>}
      {job && <JobProgress job={job} />}
    </section>
  );
}
