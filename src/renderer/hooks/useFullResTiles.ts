/**
 * Full-resolution detail at high zoom: while the view enlarges the display
 * proxy beyond its resolution, fetches the visible tiles of the version
 * (`versions.region`) and hands back the ones ready to draw over the proxy.
 * Requests follow the view after it settles (a short debounce), at most a
 * few at a time; tiles that left the view before their turn are never
 * requested, and answers for another version are dropped.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { PROXY_MAX_EDGE, type StudioApi } from '../../shared/api';
import type { ImageSize, ScreenSize, ViewTransform } from '../geometry/coords';
import { needsFullResolution, proxyScale, visibleTiles, type TileRect } from '../geometry/fullResTiles';

export interface FullResTile { readonly rect: TileRect; readonly canvas: HTMLCanvasElement }

const IN_FLIGHT = 3;
const KEEP_TILES = 64;
const SETTLE_MS = 60;

export function useFullResTiles(api: StudioApi, versionId: number | null, image: ImageSize, view: ViewTransform, viewport: ScreenSize, onError: (err: unknown) => void): readonly FullResTile[] {
  const ratio = typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1;
  const active = versionId !== null && viewport.width > 0 && needsFullResolution(view, ratio, proxyScale(image, PROXY_MAX_EDGE));
  const visible = useMemo(() => (active ? visibleTiles(view, viewport, image) : []), [active, view, viewport, image]);
  const cache = useRef(new Map<string, FullResTile>());
  const cacheVersion = useRef<number | null>(null);
  const inFlight = useRef(new Set<string>());
  const wanted = useRef<readonly TileRect[]>([]);
  const [, setRevision] = useState(0);
  const report = useRef(onError);
  report.current = onError;

  if (cacheVersion.current !== versionId) {
    cache.current = new Map();
    inFlight.current = new Set();
    cacheVersion.current = versionId;
  }

  useEffect(() => {
    if (versionId === null) return;
    const pump = (): void => {
      for (const t of wanted.current) {
        if (inFlight.current.size >= IN_FLIGHT) return;
        if (cache.current.has(t.key) || inFlight.current.has(t.key)) continue;
        const flight = inFlight.current;
        flight.add(t.key);
        api.call('versions.region', { versionId, x: t.x, y: t.y, width: t.width, height: t.height }).then((r) => {
          flight.delete(t.key);
          if (cacheVersion.current !== versionId) return; // the editor moved to another version meanwhile
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
          if (cacheVersion.current === versionId) report.current(err);
        });
      }
    };
    const timer = window.setTimeout(() => {
      wanted.current = visible;
      pump();
    }, SETTLE_MS);
    return () => window.clearTimeout(timer);
  }, [api, versionId, visible]);

  const ready: FullResTile[] = [];
  for (const t of visible) {
    const hit = cache.current.get(t.key);
    if (hit) ready.push(hit);
  }
  return ready;
}
