/** History: the project's versions as thumbnails, newest first, each with the runs made from it; revert, reopen a run's gallery. */
import type { ProjectDetail, RunSummary } from '../../shared/api';
import { versionsNewestFirst } from '../state/studioState';
import { useApi } from './ApiContext';

interface Props {
  readonly project: ProjectDetail;
  readonly baseVersionId: number | null;
  readonly openRunId: number | null;
  readonly busy: boolean;
  readonly onSelect: (versionId: number) => void;
  readonly onRevert: (versionId: number) => void;
  readonly onOpenRun: (runId: number) => void;
}

function runText(r: RunSummary): string {
  const method = r.purpose === 'spot-heal' ? 'Spot heal' : r.params.method === 'patchmatch' ? 'PatchMatch' : `Diffusion (${r.params.model ?? 'default'})`;
  return `Run ${r.id} · ${method} · ${r.samples.length} ${r.samples.length === 1 ? 'sample' : 'samples'}${r.status === 'done' ? '' : ` · ${r.status}`}`;
}

export function VersionList({ project, baseVersionId, openRunId, busy, onSelect, onRevert, onOpenRun }: Props) {
  const api = useApi();
  const head = project.project.headVersionId;
  const runsOf = (versionId: number): RunSummary[] => project.runs.filter((r) => r.baseVersionId === versionId).sort((a, b) => b.id - a.id);
  return (
    <section className="panel" aria-labelledby="versions-heading">
      <h2 id="versions-heading">History</h2>
      <ol className="versions">
        {versionsNewestFirst(project).map((v) => (
          <li key={v.id} data-testid="version-item" data-version-id={v.id} data-head={v.id === head ? 'true' : 'false'}
            aria-current={v.id === baseVersionId ? 'true' : undefined}
            className={v.id === baseVersionId ? 'version selected' : 'version'}>
            <div className="version-row">
              <button type="button" className="version-open" onClick={() => onSelect(v.id)} aria-label={`Edit version ${v.label}${v.id === head ? ' (latest)' : ''}`}>
                <img src={api.fileUrl({ kind: 'version-proxy', id: v.id })} alt="" loading="lazy" />
                <span className="version-label">{v.label}</span>
                {v.id === head && <span className="badge">latest</span>}
              </button>
              {v.id !== head && (
                <button type="button" className="small" disabled={busy} onClick={() => onRevert(v.id)} aria-label={`Revert to ${v.label}`}
                  title="Make a new latest version with these pixels (nothing is lost)">Revert</button>
              )}
            </div>
            {runsOf(v.id).length > 0 && (
              <ul className="runs">
                {runsOf(v.id).map((r) => (
                  <li key={r.id} data-testid="run-item" data-run-id={r.id} className={r.id === openRunId ? 'open' : undefined}>
                    <span className="small muted">{runText(r)}</span>
                    {r.samples.length > 0 && (
                      <button type="button" className="small" disabled={r.id === openRunId} onClick={() => onOpenRun(r.id)}>Open gallery</button>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
