import { useEffect, useState } from 'react';
import type { StudioApi } from '../../shared/api';

/**
 * Chooses a folder the service allows: the desktop app opens the system
 * dialog; browser mode browses inside the folders given with --allow-dir.
 */
export function FolderField({ api, label, value, onChange, canDialog }: {
  readonly api: StudioApi; readonly label: string; readonly value: string; readonly onChange: (path: string) => void; readonly canDialog: boolean;
}) {
  const [browsing, setBrowsing] = useState(false);
  const [listing, setListing] = useState<{ path: string | null; parent: string | null; folders: readonly string[]; imageCount: number } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const open = (path?: string) => {
    api.call('batch.folders', path ? { path } : {}).then((l) => { setListing(l); setError(null); }, (e: Error) => setError(e.message));
  };
  // Opening the browser starts at the current value; later value changes come from the browser itself.
  const [start] = useState(value);
  useEffect(() => { if (browsing) open(start || undefined); }, [browsing]);

  const pick = () => {
    if (canDialog) {
      api.call('batch.pickFolder', {}).then((r) => { if (r) onChange(r.path); }, (e: Error) => setError(e.message));
    } else {
      setBrowsing(true);
    }
  };

  return (
    <div className="folder-field">
      <label>{label}</label>
      <div className="folder-row">
        <input type="text" readOnly value={value} placeholder="no folder chosen" aria-label={label} />
        <button type="button" onClick={pick}>Choose…</button>
      </div>
      {error && <p className="folder-error" role="alert">{error}</p>}
      {browsing && listing && (
        <div className="folder-browser" role="dialog" aria-label={`Choose ${label.toLowerCase()}`}>
          <p className="folder-current">{listing.path ?? 'Allowed folders'}{listing.path ? ` · ${listing.imageCount} images` : ''}</p>
          <ul>
            {listing.path && <li><button type="button" onClick={() => open(listing.parent ?? undefined)}>⬑ up</button></li>}
            {listing.folders.map((f) => (
              <li key={f}><button type="button" onClick={() => open(f)}>{listing.path ? f.slice(listing.path.length + 1) : f}</button></li>
            ))}
          </ul>
          {listing.folders.length === 0 && !listing.path && <p>No folders are allowed yet: start browser mode with <code>--allow-dir &lt;folder&gt;</code>.</p>}
          <div className="folder-actions">
            <button type="button" disabled={!listing.path} onClick={() => { if (listing.path) { onChange(listing.path); setBrowsing(false); } }}>Use this folder</button>
            <button type="button" onClick={() => setBrowsing(false)}>Close</button>
          </div>
        </div>
      )}
    </div>
  );
}
