import type { Banner } from '../state/studioState';

/** Expected failures, each in a dismissible alert; the rest of the app keeps working. */
export function Banners({ banners, onDismiss }: { readonly banners: readonly Banner[]; readonly onDismiss: (id: number) => void }) {
  if (banners.length === 0) return null;
  return (
    <div className="banners">
      {banners.map((b) => (
        <div key={b.id} className="banner" role="alert" data-code={b.code}>
          <span className="banner-message">{b.message}</span>
          <button type="button" className="banner-dismiss" aria-label="Dismiss message" onClick={() => onDismiss(b.id)}>×</button>
        </div>
      ))}
    </div>
  );
}
