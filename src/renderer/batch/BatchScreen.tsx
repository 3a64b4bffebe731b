import { useEffect, useReducer, useState } from 'react';
import type { AppInfo, FillMethod, StudioApi } from '../../shared/api';
import { describeJob, initialBatchState, progressOf, updateBatch } from './batchState';
import { BatchProblems } from './BatchProblems';
import { FolderField } from './FolderField';

/** Batch jobs: one mask across a folder, with progress, pause/resume/cancel. */
export function BatchScreen({ api, info, onBack, onError }: {
  readonly api: StudioApi; readonly info: AppInfo | null; readonly onBack: () => void; readonly onError: (message: string) => void;
}) {
  const [state, dispatch] = useReducer(updateBatch, initialBatchState);
  const [input, setInput] = useState('');
  const [output, setOutput] = useState('');
  const [mask, setMask] = useState<{ name: string; bytes: Uint8Array<ArrayBuffer> } | null>(null);
  const [method, setMethod] = useState<FillMethod>('patchmatch');
  const [fit, setFit] = useState<'fail' | 'stretch' | 'cover'>('fail');
  const [grow, setGrow] = useState(2);
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    api.call('batch.list', {}).then((jobs) => dispatch({ type: 'loaded', jobs }), (e: Error) => onError(e.message));
    return api.subscribe((event) => dispatch({ type: 'event', event }));
  }, [api, onError]);

  const act = (method: 'batch.pause' | 'batch.resume' | 'batch.cancel', jobId: number) => {
    api.call(method, { jobId }).then((job) => dispatch({ type: 'job', job }), (e: Error) => onError(e.message));
  };

  const start = () => {
    if (!mask) return;
    setStarting(true);
    api.call('batch.start', { inputDir: input, outputDir: output, mask: mask.bytes, maskFit: fit, params: { method, grow } })
      .then((job) => dispatch({ type: 'job', job }), (e: Error) => onError(e.message))
      .finally(() => setStarting(false));
  };

  const canDialog = info?.canOpenDialog ?? false;
  return (
    <div className="batch-screen">
      <header className="batch-header">
        <button type="button" onClick={onBack}>← Back</button>
        <h1>Batch</h1>
      </header>
      <section className="batch-form" aria-label="New batch">
        <FolderField api={api} label="Input folder" value={input} onChange={setInput} canDialog={canDialog} />
        <FolderField api={api} label="Output folder" value={output} onChange={setOutput} canDialog={canDialog} />
        <div className="batch-field">
          <label htmlFor="batch-mask">Mask (PNG, sensor orientation, white = fill)</label>
          <input id="batch-mask" type="file" accept="image/png" onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void f.arrayBuffer().then((b) => setMask({ name: f.name, bytes: new Uint8Array(b) }));
          }} />
        </div>
        <div className="batch-field">
          <label htmlFor="batch-method">Method</label>
          <select id="batch-method" value={method} onChange={(e) => setMethod(e.target.value as FillMethod)}>
            {(info?.methods ?? ['patchmatch']).map((m) => <option key={m} value={m}>{m === 'patchmatch' ? 'PatchMatch' : 'Diffusion'}</option>)}
          </select>
        </div>
        <div className="batch-field">
          <label htmlFor="batch-fit">If a photo's shape differs from the mask</label>
          <select id="batch-fit" value={fit} onChange={(e) => setFit(e.target.value as 'fail' | 'stretch' | 'cover')}>
            <option value="fail">leave the photo out (safe)</option>
            <option value="stretch">stretch the mask</option>
            <option value="cover">scale and centre-crop</option>
          </select>
        </div>
        <div className="batch-field">
          <label htmlFor="batch-grow">Grow mask (px)</label>
          <input id="batch-grow" type="number" min={0} max={64} value={grow} onChange={(e) => setGrow(Math.max(0, Math.min(64, Number(e.target.value) || 0)))} />
        </div>
        <button type="button" className="primary" disabled={!input || !output || !mask || starting} onClick={start}>Start batch</button>
      </section>
      <section className="batch-jobs" aria-label="Batch jobs">
        {state.jobs.length === 0 && <p>No batch jobs yet.</p>}
        {state.jobs.map((job) => (
          <article key={job.id} className="batch-job" data-testid="batch-job" data-job-id={job.id} data-status={job.status} data-active={job.active}>
            <h2>#{job.id} {job.inputDir} → {job.outputDir}</h2>
            <progress max={1} value={progressOf(job)} aria-label={`Batch ${job.id} progress`} />
            <p className="batch-summary">{describeJob(job)}</p>
            {state.last[job.id] && <p className="batch-last muted">{state.last[job.id]}</p>}
            <BatchProblems api={api} job={job} onError={onError} />
            <div className="batch-actions">
              {job.active && <button type="button" onClick={() => act('batch.pause', job.id)}>Pause</button>}
              {!job.active && job.status !== 'done' && <button type="button" onClick={() => act('batch.resume', job.id)}>Resume</button>}
              {job.status !== 'done' && job.status !== 'cancelled' && <button type="button" onClick={() => act('batch.cancel', job.id)}>Cancel</button>}
            </div>
          </article>
        ))}
      </section>
    </div>
  );
}
