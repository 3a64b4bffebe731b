import type { ImageSummary } from '../../shared/api';
import { useApi } from './ApiContext';

interface Props {
  readonly versionId: number;
  readonly image: ImageSummary;
  readonly canSaveDialog: boolean;
  readonly busy: boolean;
  readonly onExport: (versionId: number) => void;
}

/** Browser mode downloads the full-resolution file; Electron saves through main's dialog. */
export function ExportPanel({ versionId, image, canSaveDialog, busy, onExport }: Props) {
  const api = useApi();
  return (
    <section className="panel" aria-labelledby="export-heading">
      <h2 id="export-heading">Export</h2>
      {canSaveDialog ? (
        <button type="button" disabled={busy} onClick={() => onExport(versionId)}>Export…</button>
      ) : (
        <a className="button" href={api.fileUrl({ kind: 'version-full', id: versionId })} download>Export</a>
      )}
      {image.format === 'jpeg' && (
        <p className="small muted">Saved as JPEG (quality 95) like the original: re-encoding changes every pixel very slightly. Metadata is kept.</p>
      )}
    </section>
  );
}
