import { useEffect, useRef, useState } from 'react';
import type { AppInfo, ProjectSummary } from '../../shared/api';
import { useApi } from './ApiContext';
import { OpenPhotoButton } from './OpenPhotoButton';

interface Props {
  readonly info: AppInfo | null;
  readonly projects: readonly ProjectSummary[];
  readonly busy: boolean;
  readonly onOpenProject: (projectId: number) => void;
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
    <div className="modal-backdrop" onClick={onClose}>
      <div className="modal confirm" role="dialog" aria-modal="true" aria-labelledby="delete-heading" onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); onClose(); } }}>
        <h2 id="delete-heading">Delete “{project.name}”?</h2>
        <p>Its {versions}, every fill and the pixels stored for them are removed from this computer. The photo file you opened is not touched. This cannot be undone.</p>
        <div className="actions">
          <button type="button" className="danger" onClick={onConfirm}>Delete project</button>
          <button ref={keep} type="button" onClick={onClose}>Keep it</button>
        </div>
      </div>
    </div>
  );
}

export function StartScreen({ info, projects, busy, onOpenProject, onDeleteProject, onFile, onOpenDialog, onBatch }: Props) {
  const api = useApi();
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
                <button type="button" className="small project-delete" disabled={busy} aria-label={`Delete project ${p.name}`}
                  title="Delete this project's history (not the photo file)" onClick={() => setDeleting(p)}>Delete…</button>
              </li>
            ))}
          </ul>
        )}
      </section>
      {deleting && (
        <DeleteProjectDialog project={deleting} onClose={() => setDeleting(null)}
          onConfirm={() => { onDeleteProject(deleting.id); setDeleting(null); }} />
      )}
    </main>
  );
}
