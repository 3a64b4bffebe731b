import type { ProjectDetail } from '../../shared/api';
import { versionsNewestFirst } from '../state/studioState';
import { useApi } from './ApiContext';

interface Props {
  readonly project: ProjectDetail;
  readonly baseVersionId: number | null;
  readonly onSelect: (versionId: number) => void;
}

export function VersionList({ project, baseVersionId, onSelect }: Props) {
  const api = useApi();
  const head = project.project.headVersionId;
  return (
    <section className="panel" aria-labelledby="versions-heading">
      <h2 id="versions-heading">Versions</h2>
      <ol className="versions">
        {versionsNewestFirst(project).map((v) => (
          <li key={v.id} data-testid="version-item" data-version-id={v.id} data-head={v.id === head ? 'true' : 'false'}
            aria-current={v.id === baseVersionId ? 'true' : undefined}
            className={v.id === baseVersionId ? 'version selected' : 'version'}>
            <button type="button" onClick={() => onSelect(v.id)} aria-label={`Edit version ${v.label}${v.id === head ? ' (latest)' : ''}`}>
              <img src={api.fileUrl({ kind: 'version-proxy', id: v.id })} alt="" loading="lazy" />
              <span className="version-label">{v.label}</span>
              {v.id === head && <span className="badge">latest</span>}
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
