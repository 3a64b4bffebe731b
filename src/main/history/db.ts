/**
 * The only module that imports better-sqlite3 (STYLE.md §9). Opens the
 * history database in WAL mode and applies the numbered migrations in
 * order, each inside a transaction, recording them in `schema_migrations`.
 */
import Database from 'better-sqlite3';
import m001 from './migrations/001_init.sql';
import m002 from './migrations/002_mask_drafts.sql';
import m003 from './migrations/003_batch.sql';
import m004 from './migrations/004_draft_exclusion.sql';
import m005 from './migrations/005_mask_box.sql';
import m006 from './migrations/006_run_purpose.sql';
import m007 from './migrations/007_draft_box.sql';
import m008 from './migrations/008_project_deletion.sql';
import m009 from './migrations/009_hash_indexes.sql';
import m010 from './migrations/010_run_owner.sql';
import m011 from './migrations/011_run_device_note.sql';

export type Db = Database.Database;

export interface Migration { readonly version: number; readonly name: string; readonly sql: string }

/** Ordered list; a shipped migration is never edited, only appended to. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: '001_init', sql: m001 },
  { version: 2, name: '002_mask_drafts', sql: m002 },
  { version: 3, name: '003_batch', sql: m003 },
  { version: 4, name: '004_draft_exclusion', sql: m004 },
  { version: 5, name: '005_mask_box', sql: m005 },
  { version: 6, name: '006_run_purpose', sql: m006 },
  { version: 7, name: '007_draft_box', sql: m007 },
  { version: 8, name: '008_project_deletion', sql: m008 },
  { version: 9, name: '009_hash_indexes', sql: m009 },
  { version: 10, name: '010_run_owner', sql: m010 },
  { version: 11, name: '011_run_device_note', sql: m011 },
];

export class SchemaError extends Error {}

export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  // In desktop development the app runs on Electron's ABI; scripts/start.mjs builds a matching binding.
  const binding = process.versions.electron ? process.env.INPAINT_STUDIO_SQLITE_BINDING : undefined;
  const db = new Database(file, binding ? { nativeBinding: binding } : {});
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export function migrate(db: Db, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as { version: number; name: string }[];
  const known = new Map(migrations.map((m) => [m.version, m]));
  for (const row of applied) {
    const m = known.get(row.version);
    if (!m) {
      throw new SchemaError(`the history database has migration ${row.version} (${row.name}) that this version of Inpaint Studio does not know; it was written by a newer version`);
    }
    if (m.name !== row.name) {
      throw new SchemaError(`migration ${row.version} is recorded as ${row.name} but this build calls it ${m.name}: the database and the app are out of sync`);
    }
  }
  const done = new Set(applied.map((r) => r.version));
  const ran: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
    })();
    ran.push(m.version);
  }
  return ran;
}
