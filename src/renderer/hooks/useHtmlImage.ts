import { useEffect, useRef, useState } from 'react';

export interface LoadedImage {
  /** The most recently loaded image (kept while the next one loads, so the stage never flashes empty). */
  readonly element: HTMLImageElement | null;
  /** True once `url` itself has loaded. */
  readonly ready: boolean;
}

/** Loads an image URL into an HTMLImageElement for Konva; reports failures instead of showing a blank stage. */
export function useHtmlImage(url: string, onError: (message: string) => void): LoadedImage {
  const [image, setImage] = useState<{ url: string; element: HTMLImageElement } | null>(null);
  const reportError = useRef(onError);
  reportError.current = onError;
  useEffect(() => {
    const element = new Image();
    element.decoding = 'async';
    element.onload = () => setImage({ url, element });
    element.onerror = () => reportError.current('The photo preview could not be loaded. Try reopening the project.');
    element.src = url;
    return () => {
      element.onload = null;
      element.onerror = null;
    };
  }, [url]);
  return { element: image?.element ?? null, ready: image?.url === url };
}
