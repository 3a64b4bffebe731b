/**
 * Full-resolution detail at high zoom: while the view enlarges the display
 * proxy beyond its resolution, fetches the visible tiles of a full-size
 * picture (a version through `versions.region`, a sample through
 * `samples.region`) and hands back the ones ready to draw over the proxy.
 * Requests follow the view after it settles (a short debounce), at most a
 * few at a time; tiles that left the view before their turn are never
 * requested, and answers for another picture are dropped.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { PROXY_MAX_EDGE, type StudioApi } from '../../shared/api';
import type { ImageSize, ScreenSize, ViewTransform } from '../geometry/coords';
import { needsFullResolution, proxyScale, visibleTiles, type TileRect } from '../geometry/fullResTiles';

export interface FullResTile { readonly rect: TileRect; readonly canvas: HTMLCanvasElement }

/** A rectangle of full-resolution pixels as the service answers it: 8-bit RGBA, clipped to the photo. */
export interface RegionPixels { readonly width: number; readonly height: number; readonly rgba: Uint8Array }

/** Where tiles come from. Tiles are cached per `key`: a new key drops the old tiles and late answers. */
export interface TileSource {
  readonly key: string;
  fetch(rect: { x: number; y: number; width: number; height: number }): Promise<RegionPixels>;
}

/** The tiles of a version (the editor's photo, the compare view's original). */
export function versionTileSource(api: StudioApi, versionId: number): TileSource {
  return { key: `version:${versionId}`, fetch: (rect) => api.call('versions.region', { versionId, ...rect }) };
}

/** The tiles of a run's sample as applying it would make the photo. */
export function sampleTileSource(api: StudioApi, sampleId: number): TileSource {
  return { key: `sample:${sampleId}`, fetch: (rect) => api.call('samples.region', { sampleId, ...rect }) };
}

const IN_FLIGHT = 3;
const KEEP_TILES = 64;
const SETTLE_MS = 60;

/**
 * `pixelRatio` (device pixels per CSS pixel) decides when the proxy runs out:
 * at "100 %" on a HiDPI screen the CSS scale is below 1 but every device
 * pixel shows its own image pixel, which only the full-resolution tiles hold.
 */
export function useFullResTiles(
  source: TileSource | null, image: ImageSize, view: ViewTransform, viewport: ScreenSize, pixelRatio: number, onError: (err: unknown) => void,
): readonly FullResTile[] {
  const key = source?.key ?? null;
  const active = key !== null && viewport.width > 0 && needsFullResolution(view, pixelRatio, proxyScale(image, PROXY_MAX_EDGE));
  const visible = useMemo(() => (active ? visibleTiles(view, viewport, image) : []), [active, view, viewport, image]);
  const cache = useRef(new Map<string, FullResTile>());
  const cacheKey = useRef<string | null>(null);
  const inFlight = useRef(new Set<string>());
  const wanted = useRef<readonly TileRect[]>([]);
  const [, setRevision] = useState(0);
  const report = useRef(onError);
  report.current = onError;
  // Callers may build the source afresh on every render; only its key decides what is cached.
  const fetcher = useRef(source);
  fetcher.current = source;

  if (cacheKey.current !== key) {
    cache.current = new Map();
    inFlight.current = new Set();
    cacheKey.current = key;
  }

  useEffect(() => {
    if (key === null) return;
    const pump = (): void => {
      const from = fetcher.current;
      if (!from || from.key !== key) return;
      for (const t of wanted.current) {
        if (inFlight.current.size >= IN_FLIGHT) return;
        if (cache.current.has(t.key) || inFlight.current.has(t.key)) continue;
        const flight = inFlight.current;
        flight.add(t.key);
        from.fetch({ x: t.x, y: t.y, width: t.width, height: t.height }).then((r) => {
          flight.delete(t.key);
          if (cacheKey.current !== key) return; // the view moved on to another picture meanwhile
          const canvas = document.createElement('canvas');
          canvas.width = r.width;
          canvas.height = r.height;
          const pixels = new Uint8ClampedArray(r.rgba.buffer as ArrayBuffer, r.rgba.byteOffset, r.rgba.byteLength);
          canvas.getContext('2d')?.putImageData(new ImageData(pixels, r.width, r.height), 0, 0);
          const map = cache.current;
          map.set(t.key, { rect: { ...t, width: r.width, height: r.height }, canvas });
          while (map.size > KEEP_TILES) map.delete(map.keys().next().value!);
          setRevision((n) => n + 1);
          pump();
        }, (err: unknown) => {
          flight.delete(t.key);
          if (cacheKey.current === key) report.current(err);
        });
      }
    };
    const timer = window.setTimeout(() => {
      wanted.current = visible;
      pump();
    }, SETTLE_MS);
    return () => window.clearTimeout(timer);
  }, [key, visible]);

  const ready: FullResTile[] = [];
  for (const t of visible) {
    const hit = cache.current.get(t.key);
    if (hit) ready.push(hit);
  }
  return ready;
}
