import { useEffect, useState } from 'react';
import type { BatchItemView, BatchJobView, StudioApi } from '../../shared/api';

/**
 * The photos of a batch job that were not written (failed or skipped), each
 * with its reason: what a photographer checks after an unattended run. The
 * list is fetched when the job's counts of such photos change.
 */
export function BatchProblems({ api, job, onError }: {
  readonly api: StudioApi; readonly job: BatchJobView; readonly onError: (message: string) => void;
}) {
  const count = job.counts.failed + job.counts.skipped;
  const [items, setItems] = useState<readonly BatchItemView[]>([]);
  useEffect(() => {
    if (count === 0) return;
    let live = true;
    api.call('batch.items', { jobId: job.id }).then(
      (all) => { if (live) setItems(all.filter((i) => i.status === 'failed' || i.status === 'skipped')); },
      (e: Error) => onError(e.message),
    );
    return () => { live = false; };
  }, [api, job.id, count, onError]);
  if (count === 0) return null;
  return (
    <details className="batch-problems" data-testid="batch-problems">
      <summary>{count === 1 ? '1 photo was not written' : `${count} photos were not written`}</summary>
      <ul>
        {items.map((i) => (
          <li key={i.relPath} data-testid="batch-problem">
            <span className="batch-problem-path">{i.relPath}</span>{' '}
            <span className="muted">{i.status}{i.error ? `: ${i.error}` : ''}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
