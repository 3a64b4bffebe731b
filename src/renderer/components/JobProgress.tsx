import type { JobView } from '../state/studioState';

export function JobProgress({ job }: { readonly job: JobView }) {
  const percent = Math.round(job.fraction * 100);
  return (
    <div className="progress" aria-live="polite">
      <progress data-testid="fill-progress" max={1} value={job.fraction} aria-label="Fill progress" />
      <span className="small">{job.message || job.stage} · {percent}%</span>
    </div>
  );
}
