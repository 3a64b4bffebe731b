import { useEffect, useRef, useState } from 'react';
import type { AppInfo, ProjectSummary } from '../../shared/api';
import { useApi } from './ApiContext';
import { Modal } from './Modal';
import { OpenPhotoButton } from './OpenPhotoButton';

interface Props {
  readonly info: AppInfo | null;
  readonly projects: readonly ProjectSummary[];
  readonly busy: boolean;
  readonly onOpenProject: (projectId: number) => void;
  readonly onRenameProject: (projectId: number, name: string) => void;
  readonly onDeleteProject: (projectId: number) => void;
  readonly onFile: (file: File) => void;
  readonly onOpenDialog: () => void;
  readonly onBatch: () => void;
}

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString();
}

/** Asks before a project's history is deleted; the photo file it came from is not touched. */
function DeleteProjectDialog({ project, onConfirm, onClose }: {
  readonly project: ProjectSummary; readonly onConfirm: () => void; readonly onClose: () => void;
}) {
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), []);
  const versions = `${project.versionCount} ${project.versionCount === 1 ? 'version' : 'versions'}`;
  return (
    <Modal className="confirm" labelledBy="delete-heading" onClose={onClose}>
      <h2 id="delete-heading">Delete “{project.name}”?</h2>
      <p>Its {versions} and every fill leave the studio, and the pixels stored only for it are removed from this computer. The photo file you opened is not touched. This cannot be undone.</p>
      <div className="actions">
        <button type="button" className="danger" onClick={onConfirm}>Delete project</button>
        <button ref={keep} type="button" onClick={onClose}>Keep it</button>
      </div>
    </Modal>
  );
}

/** A new name for a project (the photo file keeps its own). */
function RenameProjectDialog({ project, onRename, onClose }: {
  readonly project: ProjectSummary; readonly onRename: (name: string) => void; readonly onClose: () => void;
}) {
  const [name, setName] = useState(project.name);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.select(), []);
  const trimmed = name.trim();
  const ok = trimmed.length > 0 && trimmed.length <= 200;
  return (
    <Modal className="confirm" labelledBy="rename-heading" onClose={onClose} onSubmit={() => { if (ok) onRename(trimmed); }}>
      <h2 id="rename-heading">Rename “{project.name}”</h2>
      <input ref={input} type="text" aria-label="Project name" value={name} maxLength={200} onChange={(e) => setName(e.currentTarget.value)} />
      <div className="actions">
        <button type="submit" className="primary" disabled={!ok}>Rename</button>
        <button type="button" onClick={onClose}>Cancel</button>
      </div>
    </Modal>
  );
}

export function StartScreen({ info, projects, busy, onOpenProject, onRenameProject, onDeleteProject, onFile, onOpenDialog, onBatch }: Props) {
  const api = useApi();
  const [renaming, setRenaming] = useState<ProjectSummary | null>(null);
  const [deleting, setDeleting] = useState<ProjectSummary | null>(null);
  return (
    <main className="start">
      <header className="start-header">
        <h1>Inpaint Studio</h1>
        <p className="muted">Open a photo, paint over what should go, and fill it. Every step is kept.</p>
        <div className="start-actions">
          <OpenPhotoButton canOpenDialog={info?.canOpenDialog ?? false} disabled={busy} onFile={onFile} onOpenDialog={onOpenDialog} />
          <button type="button" onClick={onBatch}>Batch…</button>
          <span className="muted">or drop a photo anywhere on this window</span>
        </div>
      </header>
      <section aria-labelledby="projects-heading" className="projects">
        <h2 id="projects-heading">Projects</h2>
        {projects.length === 0 ? (
          <p className="muted">No projects yet.</p>
        ) : (
          <ul className="project-list">
            {projects.map((p) => (
              <li key={p.id} className="project-entry">
                <button type="button" className="project-item" data-testid="project-item" data-project-id={p.id} onClick={() => onOpenProject(p.id)}>
                  <img className="project-thumb" src={api.fileUrl({ kind: 'version-proxy', id: p.headVersionId })} alt="" loading="lazy" />
                  <span className="project-name">{p.name}</span>
                  <span className="muted">{p.versionCount} {p.versionCount === 1 ? 'version' : 'versions'} · {when(p.updatedAt)}</span>
                </button>
                <span className="project-tools">
                  <button type="button" className="small" disabled={busy} aria-label={`Rename project ${p.name}`} onClick={() => setRenaming(p)}>Rename…</button>
                  <button type="button" className="small" disabled={busy} aria-label={`Delete project ${p.name}`}
                    title="Delete this project's history (not the photo file)" onClick={() => setDeleting(p)}>Delete…</button>
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {renaming && (
        <RenameProjectDialog project={renaming} onClose={() => setRenaming(null)}
          onRename={(name) => { onRenameProject(renaming.id, name); setRenaming(null); }} />
      )}
      {deleting && (
        <DeleteProjectDialog project={deleting} onClose={() => setDeleting(null)}
          onConfirm={() => { onDeleteProject(deleting.id); setDeleting(null); }} />
      )}
    </main>
  );
}
