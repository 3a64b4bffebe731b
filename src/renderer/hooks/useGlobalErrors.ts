import { useEffect } from 'react';

/** The one global handler for bugs (STYLE.md §10): logged, and shown so the user knows something went wrong. */
export function useGlobalErrors(report: (err: unknown) => void): void {
  useEffect(() => {
    const onError = (e: ErrorEvent): void => report(e.error ?? e.message);
    const onRejection = (e: PromiseRejectionEvent): void => report(e.reason);
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
    return () => {
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onRejection);
    };
  }, [report]);
}
