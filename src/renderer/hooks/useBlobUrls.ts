import { useEffect, useMemo } from 'react';

/** Object URLs for PNG bytes (live previews), revoked when the bytes change or the component goes. */
export function useBlobUrls(images: readonly Uint8Array[] | null): readonly string[] {
  const urls = useMemo(() => (images ?? []).map((b) => URL.createObjectURL(new Blob([b as Uint8Array<ArrayBuffer>], { type: 'image/png' }))), [images]);
  useEffect(() => () => urls.forEach((u) => URL.revokeObjectURL(u)), [urls]);
  return urls;
}
