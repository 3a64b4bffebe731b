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
      expect((v4.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(4);
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
});
