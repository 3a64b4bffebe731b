import type { AppInfo, ProjectSummary } from '../../shared/api';
import { useApi } from './ApiContext';
import { OpenPhotoButton } from './OpenPhotoButton';

interface Props {
  readonly info: AppInfo | null;
  readonly projects: readonly ProjectSummary[];
  readonly busy: boolean;
  readonly onOpenProject: (projectId: number) => void;
  readonly onFile: (file: File) => void;
  readonly onOpenDialog: () => void;
  readonly onBatch: () => void;
}

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleString();
}

export function StartScreen({ info, projects, busy, onOpenProject, onFile, onOpenDialog, onBatch }: Props) {
  const api = useApi();
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
              <li key={p.id}>
                <button type="button" className="project-item" data-testid="project-item" data-project-id={p.id} onClick={() => onOpenProject(p.id)}>
                  <img className="project-thumb" src={api.fileUrl({ kind: 'version-proxy', id: p.headVersionId })} alt="" loading="lazy" />
                  <span className="project-name">{p.name}</span>
                  <span className="muted">{p.versionCount} {p.versionCount === 1 ? 'version' : 'versions'} · {when(p.updatedAt)}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
