/** Batch jobs and items in the history database. */
import type { Db } from './db';
import { StudioError } from '../../shared/errors';

export type BatchJobStatus = 'running' | 'paused' | 'cancelled' | 'done';
export type BatchItemStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface BatchJobRow {
  readonly id: number; readonly inputDir: string; readonly outputDir: string; readonly options: unknown;
  readonly status: BatchJobStatus; readonly createdAt: string; readonly updatedAt: string; readonly finishedAt: string | null;
}

export interface BatchItemRow {
  readonly id: number; readonly jobId: number; readonly relPath: string; readonly status: BatchItemStatus; readonly attempts: number;
  readonly errorCode: string | null; readonly error: string | null; readonly outputPath: string | null; readonly outputHash: string | null;
  readonly inputHash: string | null; readonly millis: number | null;
}

export interface BatchCounts { readonly total: number; readonly pending: number; readonly running: number; readonly done: number; readonly failed: number; readonly skipped: number }

const now = () => new Date().toISOString();

interface JobSql { id: number; input_dir: string; output_dir: string; options_json: string; status: BatchJobStatus; created_at: string; updated_at: string; finished_at: string | null }
interface ItemSql { id: number; job_id: number; rel_path: string; status: BatchItemStatus; attempts: number; error_code: string | null; error: string | null; output_path: string | null; output_hash: string | null; input_hash: string | null; millis: number | null }

const toJob = (r: JobSql): BatchJobRow => ({ id: r.id, inputDir: r.input_dir, outputDir: r.output_dir, options: JSON.parse(r.options_json), status: r.status, createdAt: r.created_at, updatedAt: r.updated_at, finishedAt: r.finished_at });
const toItem = (r: ItemSql): BatchItemRow => ({ id: r.id, jobId: r.job_id, relPath: r.rel_path, status: r.status, attempts: r.attempts, errorCode: r.error_code, error: r.error, outputPath: r.output_path, outputHash: r.output_hash, inputHash: r.input_hash, millis: r.millis });

export class BatchRepository {
  constructor(private readonly db: Db) {}

  createJob(inputDir: string, outputDir: string, options: unknown, relPaths: readonly string[]): number {
    return this.db.transaction(() => {
      const t = now();
      const id = Number(this.db.prepare(`INSERT INTO batch_jobs (input_dir, output_dir, options_json, status, created_at, updated_at) VALUES (?, ?, ?, 'running', ?, ?)`)
        .run(inputDir, outputDir, JSON.stringify(options), t, t).lastInsertRowid);
      const insert = this.db.prepare(`INSERT INTO batch_items (job_id, rel_path, status) VALUES (?, ?, 'pending')`);
      for (const rel of relPaths) insert.run(id, rel);
      return id;
    })();
  }

  job(id: number): BatchJobRow {
    const r = this.db.prepare('SELECT * FROM batch_jobs WHERE id = ?').get(id) as JobSql | undefined;
    if (!r) throw new StudioError('NOT_FOUND', `batch job ${id} does not exist`);
    return toJob(r);
  }

  jobs(): BatchJobRow[] {
    return (this.db.prepare('SELECT * FROM batch_jobs ORDER BY id DESC').all() as JobSql[]).map(toJob);
  }

  /** The newest job for these folders, if any. */
  latestJobFor(inputDir: string, outputDir: string): BatchJobRow | null {
    const r = this.db.prepare(`SELECT * FROM batch_jobs WHERE input_dir = ? AND output_dir = ? ORDER BY id DESC LIMIT 1`)
      .get(inputDir, outputDir) as JobSql | undefined;
    return r ? toJob(r) : null;
  }

  setJobStatus(id: number, status: BatchJobStatus): void {
    const t = now();
    this.db.prepare('UPDATE batch_jobs SET status = ?, updated_at = ?, finished_at = ? WHERE id = ?').run(status, t, status === 'done' ? t : null, id);
  }

  /** Items a dead process left 'running' go back to 'pending' (their outputs were written atomically or not at all). */
  requeueInterrupted(jobId: number): number {
    return this.db.prepare(`UPDATE batch_items SET status = 'pending' WHERE job_id = ? AND status = 'running'`).run(jobId).changes;
  }

  /** Claims the next pending item; null when none is left. */
  claimNext(jobId: number): BatchItemRow | null {
    return this.db.transaction(() => {
      const r = this.db.prepare(`SELECT * FROM batch_items WHERE job_id = ? AND status = 'pending' ORDER BY id LIMIT 1`).get(jobId) as ItemSql | undefined;
      if (!r) return null;
      this.db.prepare(`UPDATE batch_items SET status = 'running', attempts = attempts + 1, started_at = ? WHERE id = ?`).run(now(), r.id);
      return toItem({ ...r, status: 'running', attempts: r.attempts + 1 });
    })();
  }

  /** Peeks at the pending item after `afterId` without claiming it (for read-ahead). */
  peekPending(jobId: number, afterId: number): BatchItemRow | null {
    const r = this.db.prepare(`SELECT * FROM batch_items WHERE job_id = ? AND status = 'pending' AND id > ? ORDER BY id LIMIT 1`).get(jobId, afterId) as ItemSql | undefined;
    return r ? toItem(r) : null;
  }

  /**
   * Records, before anything is written, that this item claims `outputPath`:
   * the file did not exist when it decided to write, or --overwrite was given.
   * A later attempt of the same item may replace that file; no other file.
   */
  claimOutput(id: number, outputPath: string): void {
    this.db.prepare('UPDATE batch_items SET output_path = ? WHERE id = ?').run(outputPath, id);
  }

  /**
   * Other items of the job that claimed or wrote an output at this path, or at
   * one that differs only in ASCII case (the same file on a case-insensitive
   * file system; the caller checks).
   */
  outputOwners(jobId: number, itemId: number, outputPath: string): { relPath: string; outputPath: string; status: BatchItemStatus }[] {
    return (this.db.prepare(`SELECT rel_path, output_path, status FROM batch_items WHERE job_id = ? AND id <> ? AND output_path IS NOT NULL AND lower(output_path) = lower(?) ORDER BY id`)
      .all(jobId, itemId, outputPath) as { rel_path: string; output_path: string; status: BatchItemStatus }[])
      .map((r) => ({ relPath: r.rel_path, outputPath: r.output_path, status: r.status }));
  }

  /** Ends an item. `outputPath` is the file it wrote; an earlier claim is kept (it still names the file this item may replace). */
  finishItem(id: number, result: { status: 'done' | 'failed' | 'skipped'; errorCode?: string; error?: string; outputPath?: string; outputHash?: string; inputHash?: string; millis: number }): void {
    this.db.prepare(`UPDATE batch_items SET status = ?, error_code = ?, error = ?, output_path = COALESCE(?, output_path), output_hash = ?, input_hash = ?, millis = ?, finished_at = ? WHERE id = ?`)
      .run(result.status, result.errorCode ?? null, result.error ?? null, result.outputPath ?? null, result.outputHash ?? null, result.inputHash ?? null, result.millis, now(), id);
  }

  items(jobId: number): BatchItemRow[] {
    return (this.db.prepare('SELECT * FROM batch_items WHERE job_id = ? ORDER BY id').all(jobId) as ItemSql[]).map(toItem);
  }

  counts(jobId: number): BatchCounts {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM batch_items WHERE job_id = ? GROUP BY status').all(jobId) as { status: BatchItemStatus; n: number }[];
    const c = { total: 0, pending: 0, running: 0, done: 0, failed: 0, skipped: 0 };
    for (const r of rows) { c[r.status] = r.n; c.total += r.n; }
    return c;
  }
}
