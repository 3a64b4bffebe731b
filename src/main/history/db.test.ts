import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, openDatabase, SchemaError } from './db';

function tempFile(): { file: string; done: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-db-'));
  return { file: path.join(dir, 'history.sqlite'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('migrations on a real file', () => {
  it('applies every migration once, in WAL mode, and records them', () => {
    const t = tempFile();
    try {
      const db = openDatabase(t.file);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
      expect(tables).toEqual(expect.arrayContaining(['projects', 'images', 'masks', 'runs', 'samples', 'versions', 'schema_migrations']));
      db.close();
      const again = openDatabase(t.file);
      const rows = again.prepare('SELECT version, name FROM schema_migrations').all();
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
      again.close();
    } finally {
      t.done();
    }
  });

  it('004 adds the draft exclusion column to a version-3 database', () => {
    const t = tempFile();
    try {
      const v3 = openDatabase(t.file, MIGRATIONS.filter((m) => m.version <= 3));
      v3.close();
      const raw = new Database(t.file);
      const cols = (raw.prepare('PRAGMA table_info(mask_drafts)').all() as { name: string }[]).map((c) => c.name);
      raw.close();
      expect(cols).not.toContain('exclusion_hash');
      const v4 = openDatabase(t.file);
      const after = (v4.prepare('PRAGMA table_info(mask_drafts)').all() as { name: string }[]).map((c) => c.name);
      expect(after).toContain('exclusion_hash');
      expect((v4.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(MIGRATIONS.at(-1)!.version);
      v4.close();
    } finally {
      t.done();
    }
  });

  it('refuses a database written by a newer version', () => {
    const t = tempFile();
    try {
      openDatabase(t.file).close();
      const raw = new Database(t.file);
      raw.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, '999_future', 'x')").run();
      raw.close();
      expect(() => openDatabase(t.file)).toThrow(SchemaError);
      expect(() => openDatabase(t.file)).toThrow(/newer version/);
    } finally {
      t.done();
    }
  });

  it('rolls back a failing migration completely', () => {
    const t = tempFile();
    try {
      const broken = [...MIGRATIONS, { version: 99, name: '099_broken', sql: 'CREATE TABLE half (x INTEGER); INSERT INTO no_such_table VALUES (1);' }];
      expect(() => openDatabase(t.file, broken)).toThrow(/no_such_table/);
      const raw = new Database(t.file);
      const half = raw.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'half'").get() as { n: number };
      expect(half.n).toBe(0);
      const versions = (raw.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version);
      expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
      raw.close();
    } finally {
      t.done();
    }
  });

  it('005 gives masks stored as whole frames their whole frame as box; 006 records old runs as fills', () => {
    const t = tempFile();
    try {
      const v4 = openDatabase(t.file, MIGRATIONS.filter((m) => m.version <= 4));
      const at = 'x';
      v4.prepare("INSERT INTO projects (id, name, created_at, updated_at) VALUES (1, 'p', ?, ?)").run(at, at);
      v4.prepare("INSERT INTO images (id, project_id, file_name, content_hash, format, width, height, bit_depth, channels, bytes, created_at) VALUES (1, 1, 'a.png', 'h', 'png', 6000, 4000, 8, 3, 1, ?)").run(at);
      v4.prepare("INSERT INTO versions (id, project_id, label, created_at) VALUES (1, 1, 'Original', ?)").run(at);
      v4.prepare("INSERT INTO masks (id, image_id, content_hash, width, height, coverage, created_at) VALUES (1, 1, 'm', 6000, 4000, 0.001, ?)").run(at);
      v4.prepare("INSERT INTO runs (id, project_id, base_version_id, mask_id, method, params_json, status, device, started_at) VALUES (1, 1, 1, 1, 'patchmatch', '{}', 'done', 'cpu', ?)").run(at);
      v4.close();
      const now = openDatabase(t.file);
      expect(now.prepare('SELECT box_x, box_y, box_width, box_height FROM masks WHERE id = 1').get()).toEqual({ box_x: 0, box_y: 0, box_width: 6000, box_height: 4000 });
      expect(now.prepare('SELECT purpose FROM runs WHERE id = 1').get()).toEqual({ purpose: 'fill' });
      expect(() => now.prepare("UPDATE runs SET purpose = 'retouch' WHERE id = 1").run()).toThrow(/CHECK/);
      now.close();
    } finally {
      t.done();
    }
  });
  it('007 gives drafts saved as whole frames their whole frame as box, and lets a draft have no fill layer', () => {
    const t = tempFile();
    try {
      const v6 = openDatabase(t.file, MIGRATIONS.filter((m) => m.version <= 6));
      const at = 'x';
      for (const id of [1, 2]) {
        v6.prepare("INSERT INTO projects (id, name, created_at, updated_at) VALUES (?, 'p', ?, ?)").run(id, at, at);
        v6.prepare("INSERT INTO images (id, project_id, file_name, content_hash, format, width, height, bit_depth, channels, bytes, created_at) VALUES (?, ?, 'a.png', 'h', 'png', ?, ?, 8, 3, 1, ?)")
          .run(id, id, 6000 + id, 4000 + id, at);
        v6.prepare("INSERT INTO versions (id, project_id, label, created_at) VALUES (?, ?, 'Original', ?)").run(id, id, at);
      }
      v6.prepare("INSERT INTO mask_drafts (project_id, version_id, content_hash, exclusion_hash, updated_at) VALUES (1, 1, 'm1', 'e1', 't1')").run();
      v6.prepare("INSERT INTO mask_drafts (project_id, version_id, content_hash, exclusion_hash, updated_at) VALUES (2, 2, 'm2', NULL, 't2')").run();
      v6.close();
      const now = openDatabase(t.file);
      expect(now.prepare('SELECT * FROM mask_drafts ORDER BY project_id').all()).toEqual([
        { project_id: 1, version_id: 1, content_hash: 'm1', box_x: 0, box_y: 0, box_width: 6001, box_height: 4001,
          exclusion_hash: 'e1', exclusion_x: 0, exclusion_y: 0, exclusion_width: 6001, exclusion_height: 4001, updated_at: 't1' },
        { project_id: 2, version_id: 2, content_hash: 'm2', box_x: 0, box_y: 0, box_width: 6002, box_height: 4002,
          exclusion_hash: null, exclusion_x: 0, exclusion_y: 0, exclusion_width: 0, exclusion_height: 0, updated_at: 't2' },
      ]);
      // A draft of the exclusion alone; the table still belongs to its project.
      now.prepare("UPDATE mask_drafts SET content_hash = NULL, box_width = 0, box_height = 0 WHERE project_id = 2").run();
      expect(() => now.prepare("INSERT INTO mask_drafts (project_id, version_id, updated_at) VALUES (99, 1, 'x')").run()).toThrow(/FOREIGN KEY/);
      now.prepare('DELETE FROM projects WHERE id = 1').run();
      expect(now.prepare('SELECT project_id FROM mask_drafts').all()).toEqual([{ project_id: 2 }]);
      now.close();
    } finally {
      t.done();
    }
  });
});
