/** Batch rows as the contract shows them. */
import type { BatchJobView } from '../../shared/api';
import type { BatchRepository } from '../history/batch-repository';

export function batchJobView(repo: BatchRepository, jobId: number, active: boolean): BatchJobView {
  const j = repo.job(jobId);
  return { id: j.id, inputDir: j.inputDir, outputDir: j.outputDir, status: j.status, active, counts: repo.counts(jobId), createdAt: j.createdAt, updatedAt: j.updatedAt };
}
