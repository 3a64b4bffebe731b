/**
 * History queries. Row types mirror the schema and are mapped to the
 * contract's domain types here, so nothing else sees SQL shapes.
 */
import type { ImageFormat, ImageSummary, ProjectDetail, ProjectSummary, RunParams, RunPurpose, RunStatus, RunSummary, SampleSummary, VersionSummary } from '../../shared/api';
import type { MaskBounds } from '../../shared/mask-ops';
import { StudioError } from '../../shared/errors';
import type { Db } from './db';
import type { RunCost } from '../pipeline/estimate';

interface ProjectRow { id: number; name: string; created_at: string; updated_at: string; version_count: number; head_version_id: number }
interface ImageRow {
  id: number; project_id: number; file_name: string; source_path: string | null; content_hash: string; format: ImageFormat;
  width: number; height: number; bit_depth: 8 | 16; channels: number; orientation: number; has_icc: number; bytes: number;
}
interface VersionRow { id: number; project_id: number; parent_id: number | null; run_id: number | null; sample_id: number | null; label: string; created_at: string }
interface RunRow {
  id: number; project_id: number; base_version_id: number; mask_id: number; method: string; params_json: string; status: RunStatus;
  error: string | null; device: string; device_note: string | null; started_at: string; finished_at: string | null; purpose: RunPurpose;
}
interface SampleRow { id: number; run_id: number; idx: number; seed: number; content_hash: string; x: number; y: number; width: number; height: number; millis: number }
/** `content_hash` is a PNG of the box (box_x, box_y, box_width × box_height) on the width × height photo; older rows hold the whole frame as their box. */
export interface MaskRow {
  id: number; image_id: number; content_hash: string; width: number; height: number; coverage: number;
  box_x: number; box_y: number; box_width: number; box_height: number;
}

/** A draft layer is stored as the PNG of its box at (x, y); a NULL hash is an empty layer (box 0 × 0). Drafts from before 007 hold the whole frame as their box. */
interface MaskDraftRow {
  project_id: number; version_id: number; updated_at: string;
  content_hash: string | null; box_x: number; box_y: number; box_width: number; box_height: number;
  exclusion_hash: string | null; exclusion_x: number; exclusion_y: number; exclusion_width: number; exclusion_height: number;
}

/** A mask layer in the content store: the hash of its box's PNG and where the box lies on the photo. */
export interface StoredMaskBox { readonly contentHash: string; readonly box: MaskBounds }

export interface StoredDraft {
  readonly versionId: number;
  readonly mask: StoredMaskBox | null;
  readonly exclusion: StoredMaskBox | null;
  readonly updatedAt: string;
}

const boxColumns = (layer: StoredMaskBox | null): [string | null, number, number, number, number] =>
  layer ? [layer.contentHash, layer.box.x, layer.box.y, layer.box.width, layer.box.height] : [null, 0, 0, 0, 0];

const now = () => new Date().toISOString();

const toImage = (r: ImageRow): ImageSummary => ({
  id: r.id, fileName: r.file_name, sourcePath: r.source_path, contentHash: r.content_hash, format: r.format,
  width: r.width, height: r.height, bitDepth: r.bit_depth, channels: r.channels, orientation: r.orientation,
  hasIcc: r.has_icc === 1, bytes: r.bytes,
});
const toVersion = (r: VersionRow): VersionSummary => ({
  id: r.id, projectId: r.project_id, parentId: r.parent_id, runId: r.run_id, sampleId: r.sample_id, label: r.label, createdAt: r.created_at,
});
const toSample = (r: SampleRow): SampleSummary => ({
  id: r.id, runId: r.run_id, index: r.idx, seed: r.seed, x: r.x, y: r.y, width: r.width, height: r.height, millis: r.millis,
});

export interface NewImage {
  readonly fileName: string; readonly sourcePath: string | null; readonly contentHash: string; readonly format: ImageFormat;
  readonly width: number; readonly height: number; readonly bitDepth: 8 | 16; readonly channels: number;
  readonly orientation: number; readonly hasIcc: boolean; readonly bytes: number;
}

export interface StoredSample extends SampleSummary { readonly contentHash: string }

/** The history's name for the version a run's sample makes. */
export function versionLabel(run: Pick<RunSummary, 'purpose' | 'params'>, index: number): string {
  if (run.purpose === 'spot-heal') return 'Spot heal';
  return `${run.params.method === 'patchmatch' ? 'PatchMatch' : 'Diffusion'} fill, sample ${index + 1}`;
}

/**
 * Every row that refers to a stored blob, as (project_id, hash): the one list
 * of blob-holding columns that deletion and the blob sweep both read.
 */
const BLOB_REFS = `
  SELECT project_id, content_hash AS hash FROM images
  UNION ALL SELECT i.project_id, m.content_hash FROM masks m JOIN images i ON i.id = m.image_id
  UNION ALL SELECT r.project_id, s.content_hash FROM samples s JOIN runs r ON r.id = s.run_id
  UNION ALL SELECT project_id, content_hash FROM mask_drafts WHERE content_hash IS NOT NULL
  UNION ALL SELECT project_id, exclusion_hash FROM mask_drafts WHERE exclusion_hash IS NOT NULL`;

/** Whether a process with this pid exists (EPERM: it exists but belongs to another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class HistoryRepository {
  constructor(private readonly db: Db) {}

  /** A project for one photo, with its original as version 1. */
  createProjectWithImage(name: string, image: NewImage): number {
    return this.db.transaction(() => {
      const t = now();
      const projectId = Number(this.db.prepare('INSERT INTO projects (name, created_at, updated_at) VALUES (?, ?, ?)').run(name, t, t).lastInsertRowid);
      this.db.prepare(`INSERT INTO images (project_id, file_name, source_path, content_hash, format, width, height, bit_depth, channels, orientation, has_icc, bytes, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(projectId, image.fileName, image.sourcePath, image.contentHash, image.format,
        image.width, image.height, image.bitDepth, image.channels, image.orientation, image.hasIcc ? 1 : 0, image.bytes, t);
      this.db.prepare('INSERT INTO versions (project_id, parent_id, run_id, sample_id, label, created_at) VALUES (?, NULL, NULL, NULL, ?, ?)')
        .run(projectId, 'Original', t);
      return projectId;
    })();
  }

  listProjects(): ProjectSummary[] {
    const rows = this.db.prepare(`SELECT p.*, (SELECT COUNT(*) FROM versions v WHERE v.project_id = p.id) AS version_count,
        (SELECT MAX(v.id) FROM versions v WHERE v.project_id = p.id) AS head_version_id
      FROM projects p WHERE p.deleted_at IS NULL ORDER BY p.updated_at DESC, p.id DESC`).all() as ProjectRow[];
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at, versionCount: r.version_count, headVersionId: r.head_version_id }));
  }

  project(projectId: number): ProjectSummary {
    const p = this.listProjectsWhere(projectId);
    if (!p) throw new StudioError('NOT_FOUND', `project ${projectId} does not exist`);
    return p;
  }

  private listProjectsWhere(projectId: number): ProjectSummary | null {
    const r = this.db.prepare(`SELECT p.*, (SELECT COUNT(*) FROM versions v WHERE v.project_id = p.id) AS version_count,
        (SELECT MAX(v.id) FROM versions v WHERE v.project_id = p.id) AS head_version_id
      FROM projects p WHERE p.id = ? AND p.deleted_at IS NULL`).get(projectId) as ProjectRow | undefined;
    return r ? { id: r.id, name: r.name, createdAt: r.created_at, updatedAt: r.updated_at, versionCount: r.version_count, headVersionId: r.head_version_id } : null;
  }

  renameProject(projectId: number, name: string): ProjectSummary {
    this.project(projectId);
    this.db.prepare('UPDATE projects SET name = ?, updated_at = ? WHERE id = ?').run(name, now(), projectId);
    return this.project(projectId);
  }

  /**
   * Deletes a project: it leaves every list and lookup, its mask draft goes,
   * and the blobs it referred to are queued for the sweep (sweepCandidates).
   * Its rows stay as a tombstone so their ids are never reused. Refused while
   * one of its runs is running. Returns the ids whose cached proxies can go.
   */
  deleteProject(projectId: number): { versionIds: number[]; sampleIds: number[] } {
    return this.db.transaction(() => {
      this.project(projectId);
      const running = this.db.prepare("SELECT COUNT(*) AS n FROM runs WHERE project_id = ? AND status = 'running'").get(projectId) as { n: number };
      if (running.n > 0) throw new StudioError('BAD_REQUEST', 'a fill is running in this project: cancel it first, then delete the project');
      const ids = (sql: string): number[] => (this.db.prepare(sql).all(projectId) as { id: number }[]).map((r) => r.id);
      const versionIds = ids('SELECT id FROM versions WHERE project_id = ?');
      const sampleIds = ids('SELECT s.id FROM samples s JOIN runs r ON r.id = s.run_id WHERE r.project_id = ?');
      const hashes = (this.db.prepare(`SELECT DISTINCT hash FROM (${BLOB_REFS}) WHERE project_id = ?`).all(projectId) as { hash: string }[])
        .map((r) => r.hash);
      const t = now();
      this.db.prepare('UPDATE projects SET deleted_at = ?, updated_at = ? WHERE id = ?').run(t, t, projectId);
      this.db.prepare('DELETE FROM mask_drafts WHERE project_id = ?').run(projectId);
      const queue = this.db.prepare('INSERT OR IGNORE INTO blob_sweep (hash, queued_at) VALUES (?, ?)');
      for (const h of hashes) queue.run(h, t);
      return { versionIds, sampleIds };
    })();
  }

  /** Queued blob hashes, each with whether a live (not deleted) project still refers to it. */
  sweepCandidates(): { hash: string; live: boolean }[] {
    const live = this.db.prepare(`SELECT EXISTS (SELECT 1 FROM (${BLOB_REFS}) r JOIN projects p ON p.id = r.project_id
      WHERE p.deleted_at IS NULL AND r.hash = ?) AS used`);
    return (this.db.prepare('SELECT hash FROM blob_sweep ORDER BY queued_at').all() as { hash: string }[])
      .map(({ hash }) => ({ hash, live: (live.get(hash) as { used: number }).used === 1 }));
  }

  /**
   * Queues for the sweep every given (stored) hash that no live project refers
   * to: blobs of replaced mask drafts, of a draft or fill stored while its
   * project was being deleted, of a process killed between its put and its
   * insert. The sweep's idle time protects a put whose row is not inserted yet.
   * Returns how many were queued.
   */
  queueUnreferenced(stored: readonly string[]): number {
    const live = new Set((this.db.prepare(`SELECT DISTINCT r.hash FROM (${BLOB_REFS}) r JOIN projects p ON p.id = r.project_id
      WHERE p.deleted_at IS NULL`).all() as { hash: string }[]).map((r) => r.hash));
    const queue = this.db.prepare('INSERT OR IGNORE INTO blob_sweep (hash, queued_at) VALUES (?, ?)');
    const t = now();
    return this.db.transaction(() => stored.filter((h) => !live.has(h) && queue.run(h, t).changes > 0).length)();
  }

  /** Takes a hash off the sweep queue (its blob was removed, or a live project uses it). */
  unqueueSweep(hash: string): void {
    this.db.prepare('DELETE FROM blob_sweep WHERE hash = ?').run(hash);
  }

  imageOfProject(projectId: number): ImageSummary {
    const r = this.db.prepare('SELECT * FROM images WHERE project_id = ? ORDER BY id LIMIT 1').get(projectId) as ImageRow | undefined;
    if (!r) throw new StudioError('NOT_FOUND', `project ${projectId} has no image`);
    return toImage(r);
  }

  detail(projectId: number): ProjectDetail {
    const project = this.project(projectId);
    const image = this.imageOfProject(projectId);
    const versions = (this.db.prepare('SELECT * FROM versions WHERE project_id = ? ORDER BY id DESC').all(projectId) as VersionRow[]).map(toVersion);
    const runs = (this.db.prepare('SELECT * FROM runs WHERE project_id = ? ORDER BY id DESC').all(projectId) as RunRow[]).map((r) => this.toRun(r));
    return { project, image, versions, runs };
  }

  version(versionId: number): VersionSummary {
    const r = this.db.prepare('SELECT v.* FROM versions v JOIN projects p ON p.id = v.project_id WHERE v.id = ? AND p.deleted_at IS NULL')
      .get(versionId) as VersionRow | undefined;
    if (!r) throw new StudioError('NOT_FOUND', `version ${versionId} does not exist`);
    return toVersion(r);
  }

  /** The versions from the original up to `versionId`, oldest first. */
  versionChain(versionId: number): VersionSummary[] {
    const chain: VersionSummary[] = [];
    let cur: number | null = versionId;
    while (cur !== null) {
      const v = this.version(cur);
      chain.push(v);
      cur = v.parentId;
    }
    return chain.reverse();
  }

  /** `contentHash`: a PNG of `box` on the width × height photo. */
  insertMask(imageId: number, contentHash: string, width: number, height: number, coverage: number, box: MaskBounds = { x: 0, y: 0, width, height }): number {
    return Number(this.db.prepare(`INSERT INTO masks (image_id, content_hash, width, height, coverage, box_x, box_y, box_width, box_height, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(imageId, contentHash, width, height, coverage, box.x, box.y, box.width, box.height, now()).lastInsertRowid);
  }

  mask(maskId: number): MaskRow {
    const r = this.db.prepare('SELECT * FROM masks WHERE id = ?').get(maskId) as MaskRow | undefined;
    if (!r) throw new StudioError('NOT_FOUND', `mask ${maskId} does not exist`);
    return r;
  }

  insertRun(projectId: number, baseVersionId: number, maskId: number, params: RunParams, device: string, purpose: RunPurpose = 'fill'): number {
    this.project(projectId); // NOT_FOUND if it was deleted while the caller stored the mask
    return Number(this.db.prepare(`INSERT INTO runs (project_id, base_version_id, mask_id, method, params_json, status, device, started_at, purpose, owner_pid)
      VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?)`).run(projectId, baseVersionId, maskId, params.method, JSON.stringify(params), device, now(), purpose, process.pid).lastInsertRowid);
  }

  /** Finished runs of a method with their work size, newest first, for time estimates. */
  recentRunCosts(method: string, limit: number): RunCost[] {
    const rows = this.db.prepare(`SELECT r.timings_json, r.params_json, m.coverage, m.width, m.height FROM runs r JOIN masks m ON m.id = r.mask_id
      WHERE r.method = ? AND r.status = 'done' AND r.timings_json IS NOT NULL ORDER BY r.id DESC LIMIT ?`).all(method, limit) as
      { timings_json: string; params_json: string; coverage: number; width: number; height: number }[];
    return rows.flatMap((r) => {
      const t = JSON.parse(r.timings_json) as { totalMs?: number; samplingMs?: number; detailMs?: number; workingPixels?: number };
      if (!t.totalMs) return [];
      const split = t.samplingMs !== undefined && t.detailMs !== undefined && t.workingPixels
        ? { samplingMs: t.samplingMs, detailMs: t.detailMs, workingPixels: t.workingPixels } : {};
      return [{ totalMs: t.totalMs, holePixels: r.coverage * r.width * r.height, params: JSON.parse(r.params_json) as RunParams, ...split }];
    });
  }

  /** The execution provider a run used, and why faster ones were passed over (null: none were). */
  setRunDevice(runId: number, device: string, note: string | null = null): void {
    this.db.prepare('UPDATE runs SET device = ?, device_note = ? WHERE id = ?').run(device, note, runId);
  }

  finishRun(runId: number, status: Exclude<RunStatus, 'running'>, error: string | null, timings: Record<string, number>): void {
    this.db.prepare('UPDATE runs SET status = ?, error = ?, finished_at = ?, timings_json = ? WHERE id = ?')
      .run(status, error, now(), JSON.stringify(timings), runId);
  }

  /**
   * Marks as failed the runs left "running" by a process that is gone (a
   * crash, a kill). Runs of another live process sharing the data folder
   * (the CLI beside the app) are left alone; a run owned by this process's
   * own pid can only be from an earlier process that had the same pid.
   */
  failInterruptedRuns(isAlive: (pid: number) => boolean = processAlive): number {
    const running = this.db.prepare("SELECT id, owner_pid FROM runs WHERE status = 'running'").all() as { id: number; owner_pid: number | null }[];
    const fail = this.db.prepare(`UPDATE runs SET status = 'failed', error = 'interrupted: the app stopped while this run was in progress', finished_at = ? WHERE id = ?`);
    let n = 0;
    for (const r of running) {
      if (r.owner_pid !== null && r.owner_pid !== process.pid && isAlive(r.owner_pid)) continue;
      n += fail.run(now(), r.id).changes;
    }
    return n;
  }

  run(runId: number): RunSummary {
    const r = this.db.prepare('SELECT r.* FROM runs r JOIN projects p ON p.id = r.project_id WHERE r.id = ? AND p.deleted_at IS NULL')
      .get(runId) as RunRow | undefined;
    if (!r) throw new StudioError('NOT_FOUND', `run ${runId} does not exist`);
    return this.toRun(r);
  }

  private toRun(r: RunRow): RunSummary {
    const samples = (this.db.prepare('SELECT * FROM samples WHERE run_id = ? ORDER BY idx').all(r.id) as SampleRow[]).map(toSample);
    return {
      id: r.id, projectId: r.project_id, baseVersionId: r.base_version_id, maskId: r.mask_id, params: JSON.parse(r.params_json) as RunParams, purpose: r.purpose,
      status: r.status, error: r.error, device: r.device, deviceNote: r.device_note ?? null, startedAt: r.started_at, finishedAt: r.finished_at, samples,
    };
  }

  insertSample(runId: number, s: Omit<StoredSample, 'id' | 'runId'>): SampleSummary {
    const id = Number(this.db.prepare(`INSERT INTO samples (run_id, idx, seed, content_hash, x, y, width, height, millis, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(runId, s.index, s.seed, s.contentHash, s.x, s.y, s.width, s.height, s.millis, now()).lastInsertRowid);
    return { id, runId, index: s.index, seed: s.seed, x: s.x, y: s.y, width: s.width, height: s.height, millis: s.millis };
  }

  sample(sampleId: number): StoredSample {
    const r = this.db.prepare('SELECT * FROM samples WHERE id = ?').get(sampleId) as SampleRow | undefined;
    if (!r) throw new StudioError('NOT_FOUND', `sample ${sampleId} does not exist`);
    return { ...toSample(r), contentHash: r.content_hash };
  }

  sampleOfRun(runId: number, index: number): StoredSample {
    const r = this.db.prepare('SELECT * FROM samples WHERE run_id = ? AND idx = ?').get(runId, index) as SampleRow | undefined;
    if (!r) throw new StudioError('NOT_FOUND', `run ${runId} has no sample ${index + 1}`);
    return { ...toSample(r), contentHash: r.content_hash };
  }

  /** A new head version with the same pixels as `versionId` (history is never rewritten). */
  revertTo(versionId: number): number {
    return this.db.transaction(() => {
      const v = this.version(versionId);
      const t = now();
      const id = Number(this.db.prepare('INSERT INTO versions (project_id, parent_id, run_id, sample_id, label, created_at) VALUES (?, ?, NULL, NULL, ?, ?)')
        .run(v.projectId, v.id, `Reverted to version ${v.id} (${v.label})`, t).lastInsertRowid);
      this.db.prepare('UPDATE projects SET updated_at = ? WHERE id = ?').run(t, v.projectId);
      return id;
    })();
  }

  /** The draft of a project: each layer (null when empty) as the hash of its box's PNG and where the box lies. */
  saveMaskDraft(projectId: number, versionId: number, mask: StoredMaskBox | null, exclusion: StoredMaskBox | null = null): void {
    this.project(projectId); // NOT_FOUND if it was deleted while the caller stored the mask
    const m = boxColumns(mask), e = boxColumns(exclusion);
    this.db.prepare(`INSERT INTO mask_drafts (project_id, version_id, content_hash, box_x, box_y, box_width, box_height,
        exclusion_hash, exclusion_x, exclusion_y, exclusion_width, exclusion_height, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(project_id) DO UPDATE SET version_id = excluded.version_id, content_hash = excluded.content_hash,
        box_x = excluded.box_x, box_y = excluded.box_y, box_width = excluded.box_width, box_height = excluded.box_height,
        exclusion_hash = excluded.exclusion_hash, exclusion_x = excluded.exclusion_x, exclusion_y = excluded.exclusion_y,
        exclusion_width = excluded.exclusion_width, exclusion_height = excluded.exclusion_height, updated_at = excluded.updated_at`)
      .run(projectId, versionId, ...m, ...e, now());
  }

  clearMaskDraft(projectId: number): void {
    this.db.prepare('DELETE FROM mask_drafts WHERE project_id = ?').run(projectId);
  }

  maskDraft(projectId: number): StoredDraft | null {
    const r = this.db.prepare('SELECT * FROM mask_drafts WHERE project_id = ?').get(projectId) as MaskDraftRow | undefined;
    if (!r) return null;
    return {
      versionId: r.version_id,
      mask: r.content_hash === null ? null : { contentHash: r.content_hash, box: { x: r.box_x, y: r.box_y, width: r.box_width, height: r.box_height } },
      exclusion: r.exclusion_hash === null ? null
        : { contentHash: r.exclusion_hash, box: { x: r.exclusion_x, y: r.exclusion_y, width: r.exclusion_width, height: r.exclusion_height } },
      updatedAt: r.updated_at,
    };
  }

  /** Re-keys the project's draft from version `from` to `to` (its PNGs and boxes untouched); false if the draft is elsewhere or absent. */
  moveMaskDraft(projectId: number, from: number, to: number): boolean {
    return this.db.prepare('UPDATE mask_drafts SET version_id = ? WHERE project_id = ? AND version_id = ?').run(to, projectId, from).changes > 0;
  }

  /** Makes a sample the new head version of its project. */
  applySample(runId: number, index: number): number {
    return this.db.transaction(() => {
      const run = this.run(runId);
      if (run.status !== 'done') throw new StudioError('BAD_REQUEST', `run ${runId} is ${run.status}; only finished runs can be applied`);
      const sample = this.sampleOfRun(runId, index);
      const t = now();
      const label = versionLabel(run, index);
      const id = Number(this.db.prepare('INSERT INTO versions (project_id, parent_id, run_id, sample_id, label, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(run.projectId, run.baseVersionId, runId, sample.id, label, t).lastInsertRowid);
      this.db.prepare('UPDATE projects SET updated_at = ? WHERE id = ?').run(t, run.projectId);
      return id;
    })();
  }
}
