import { useEffect, useState } from 'react';
import type { BatchItemView, BatchJobView, StudioApi } from '../../shared/api';

/**
 * The photos of a batch job that were not written (failed or skipped), each
 * with its reason: what a photographer checks after an unattended run. The
 * list is fetched when it is opened, and again when the count changes.
 */
export function BatchProblems({ api, job, onError }: {
  readonly api: StudioApi; readonly job: BatchJobView; readonly onError: (message: string) => void;
}) {
  const count = job.counts.failed + job.counts.skipped;
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<readonly BatchItemView[]>([]);
  // Fetched only while the list is open (a job can have thousands of items), again when the count changes.
  useEffect(() => {
    if (!open || count === 0) return;
    let live = true;
    api.call('batch.items', { jobId: job.id }).then(
      (all) => { if (live) setItems(all.filter((i) => i.status === 'failed' || i.status === 'skipped')); },
      (e: Error) => onError(e.message),
    );
    return () => { live = false; };
  }, [api, job.id, count, open, onError]);
  if (count === 0) return null;
  return (
    <details className="batch-problems" data-testid="batch-problems" onToggle={(e) => setOpen(e.currentTarget.open)}>
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
