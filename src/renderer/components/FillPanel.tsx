import type { AppInfo, FillMethod } from '../../shared/api';
import {
  availableMethods, availableSamplers, MAX_FEATHER, MAX_SEED, MAX_STEPS, maxSamples, type FillParams, type FillParamsInput,
} from '../state/fillParams';
import type { JobView } from '../state/studioState';
import { JobProgress } from './JobProgress';

const METHOD_LABELS: Record<FillMethod, string> = { patchmatch: 'PatchMatch', diffusion: 'Diffusion' };

interface Props {
  readonly info: AppInfo | null;
  readonly params: FillParams;
  readonly job: JobView | null;
  readonly maskEmpty: boolean;
  readonly estimate: { readonly seconds: number; readonly slow: boolean } | null;
  readonly onParams: (input: FillParamsInput) => void;
  readonly onFeatherFocus: (focused: boolean) => void;
  readonly onFill: () => void;
  readonly onCancel: () => void;
}

const optionalNumber = (v: number): number | null => (Number.isFinite(v) ? v : null);

function formatSeconds(s: number): string {
  return s < 60 ? `${Math.max(1, Math.round(s))} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** The fill parameters (remembered between sessions), the Fill button and the running job's progress. */
export function FillPanel({ info, params, job, maskEmpty, estimate, onParams, onFeatherFocus, onFill, onCancel }: Props) {
  const running = job !== null;
  const diffusion = params.method === 'diffusion';
  return (
    <section className="panel" aria-labelledby="fill-heading">
      <h2 id="fill-heading">Fill</h2>
      <div className="fields">
        <label>
          <span>Method</span>
          <select aria-label="Method" value={params.method} disabled={running} onChange={(e) => onParams({ type: 'method', value: e.currentTarget.value })}>
            {availableMethods(info).map((m) => <option key={m} value={m}>{METHOD_LABELS[m]}</option>)}
          </select>
        </label>
        {diffusion && info && info.models.length > 0 && (
          <>
            <label>
              <span>Model</span>
              <select aria-label="Model" value={params.model ?? ''} disabled={running} onChange={(e) => onParams({ type: 'model', value: e.currentTarget.value })}>
                {info.models.map((m) => <option key={m.id} value={m.id}>{m.name}</option>)}
              </select>
            </label>
            <label>
              <span>Sampler</span>
              <select aria-label="Sampler" value={params.sampler ?? ''} disabled={running} onChange={(e) => onParams({ type: 'sampler', value: e.currentTarget.value })}>
                <option value="">Default (DDIM)</option>
                {availableSamplers(info, params.model).map((s) => <option key={s} value={s}>{s.toUpperCase()}</option>)}
              </select>
            </label>
            <label>
              <span>Steps</span>
              <input aria-label="Steps" type="number" min={1} max={MAX_STEPS} step={1} placeholder="default" value={params.steps ?? ''} disabled={running}
                onChange={(e) => onParams({ type: 'steps', value: optionalNumber(e.currentTarget.valueAsNumber) })} />
            </label>
            <label>
              <span>Strength</span>
              <input aria-label="Strength" type="number" min={0} max={1} step={0.05} placeholder="off" value={params.strength ?? ''} disabled={running}
                title="Start from the photo noised to this fraction of the schedule inside the mask; off (empty) starts from pure noise"
                onChange={(e) => onParams({ type: 'strength', value: optionalNumber(e.currentTarget.valueAsNumber) })} />
            </label>
          </>
        )}
        <label>
          <span>Samples</span>
          <input aria-label="Samples" type="number" min={1} max={maxSamples(info)} step={1} value={params.samples} disabled={running}
            onChange={(e) => onParams({ type: 'samples', value: e.currentTarget.valueAsNumber })} />
        </label>
        <label>
          <span>Seed</span>
          <span className="inline">
            <input aria-label="Seed" type="number" min={0} max={MAX_SEED} step={1} value={params.seed} disabled={running}
              onChange={(e) => onParams({ type: 'seed', value: e.currentTarget.valueAsNumber })} />
            <button type="button" disabled={running} title="Pick a random seed"
              onClick={() => onParams({ type: 'seed', value: Math.floor(Math.random() * MAX_SEED) })}>New seed</button>
          </span>
        </label>
        <label>
          <span>Feather (px)</span>
          <input aria-label="Feather (px)" type="number" min={0} max={MAX_FEATHER} step={1} value={params.feather} disabled={running}
            onFocus={() => onFeatherFocus(true)} onBlur={() => onFeatherFocus(false)}
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
      {!maskEmpty && !running && estimate && (
        <p className={`small ${estimate.slow ? '' : 'muted'}`} data-testid="fill-estimate">
          About {formatSeconds(estimate.seconds)} on this machine{estimate.slow ? ': a slow run; Cancel stops it at any time.' : '.'}
        </p>
      )}
      {job && <JobProgress job={job} />}
    </section>
  );
}
