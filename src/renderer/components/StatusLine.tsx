import type { Busy } from '../state/studioState';

const BUSY_TEXT: Record<Exclude<Busy, null>, string> = {
  loading: 'Loading…',
  importing: 'Importing the photo…',
  applying: 'Applying the sample…',
  reverting: 'Reverting…',
  exporting: 'Exporting…',
};

export function StatusLine({ busy, notice }: { readonly busy: Busy; readonly notice: string | null }) {
  const text = busy ? BUSY_TEXT[busy] : notice;
  return <div className="status-line" role="status" aria-live="polite">{text}</div>;
}
