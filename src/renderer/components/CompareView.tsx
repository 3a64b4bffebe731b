/**
 * Comparing fills: a sample against the original with a split slider, two
 * samples side by side with one shared zoom and pan, and the outside-mask
 * change heatmap. Every pane draws the same image-pixel view transform
 * (geometry/coords), so the panes stay in step by construction. Zoomed past
 * the display proxies' resolution, each picture in a pane gets its
 * full-resolution tiles (hooks/useFullResTiles) in that same transform and
 * under the same clip, so fills are compared on their real grain.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type PointerEvent as ReactPointerEvent } from 'react';
import type { SampleSummary } from '../../shared/api';
import {
  actualPixelsView, fitView, imageSize as toImageSize, panBy, screenPoint, screenPx, wheelZoomFactor, zoomAt, type ImageSize, type ScreenSize, type ViewTransform,
} from '../geometry/coords';
import { changeHeatmap, excludedArea, proxyMargin, type ChangeReport } from '../gallery/heatmap';
import { useDevicePixelRatio } from '../hooks/useDevicePixelRatio';
import { useElementSize } from '../hooks/useElementSize';
import { loadImage } from '../hooks/useDiversity';
import { sampleTileSource, useFullResTiles, versionTileSource, type FullResTile, type TileSource } from '../hooks/useFullResTiles';
import { useApi } from './ApiContext';
import { maskValue, type MaskRaster } from '../mask/tiledMask';
import type { CompareRequest } from './Gallery';

interface Props {
  readonly request: CompareRequest;
  readonly samples: readonly SampleSummary[];
  readonly originalUrl: string;
  /** The version the run filled: the original's full-resolution tiles. */
  readonly originalVersionId: number;
  readonly urlOf: (sampleId: number) => string;
  readonly imageWidth: number;
  readonly imageHeight: number;
  /** Lossy proxies (JPEG/WebP) need a wider margin around the mask in the heatmap. */
  readonly lossyProxy: boolean;
  /** The mask the run was made with, when this session knows it; else the samples' boxes stand in. */
  readonly mask: MaskRaster | null;
  readonly onChange: (request: CompareRequest) => void;
  readonly onClose: () => void;
}

function imageStyle(view: ViewTransform, w: number, h: number): CSSProperties {
  return { width: w, height: h, transform: `translate(${view.offsetX}px, ${view.offsetY}px) scale(${view.scale})` };
}

/** Wheel zoom and drag pan on a pane, writing the shared view. */
function usePaneGestures(ref: React.RefObject<HTMLDivElement | null>, view: ViewTransform, setView: (v: ViewTransform) => void) {
  // Each event reads the view the previous one made: two wheel notches can arrive before React renders.
  const latest = useRef(view);
  latest.current = view;
  const setter = useRef(setView);
  setter.current = setView;
  const set = useRef((next: ViewTransform) => {
    latest.current = next;
    setter.current(next);
  });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onWheel = (e: WheelEvent): void => {
      e.preventDefault();
      const box = el.getBoundingClientRect();
      set.current(zoomAt(latest.current, screenPoint(e.clientX - box.left, e.clientY - box.top), wheelZoomFactor(e.deltaY, e.deltaMode)));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [ref]);
  const drag = useRef<{ x: number; y: number } | null>(null);
  return {
    onPointerDown: (e: ReactPointerEvent<HTMLDivElement>) => {
      e.currentTarget.setPointerCapture(e.pointerId);
      drag.current = { x: e.clientX, y: e.clientY };
    },
    onPointerMove: (e: ReactPointerEvent<HTMLDivElement>) => {
      const d = drag.current;
      if (!d) return;
      drag.current = { x: e.clientX, y: e.clientY };
      set.current(panBy(latest.current, screenPx(e.clientX - d.x), screenPx(e.clientY - d.y)));
    },
    onPointerUp: () => { drag.current = null; },
  };
}

/** One full-resolution tile: the cached canvas itself, placed at its image rectangle. */
function TileCanvas({ tile }: { tile: FullResTile }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => { ref.current?.replaceChildren(tile.canvas); }, [tile.canvas]);
  const r = tile.rect;
  return <div ref={ref} className="compare-tile" style={{ left: r.x, top: r.y, width: r.width, height: r.height }} />;
}

interface PictureProps {
  readonly src: string;
  readonly alt: string;
  /** Its full-resolution pixels. */
  readonly tiles: TileSource;
  readonly view: ViewTransform;
  readonly image: ImageSize;
  readonly pane: ScreenSize;
  /** Device pixels per CSS pixel. */
  readonly pixelRatio: number;
  readonly dim?: boolean;
  readonly onTileError: (err: unknown) => void;
}

/** A picture in a pane: the display proxy, and its full-resolution tiles over it once the view enlarges the proxy. */
function Picture(p: PictureProps) {
  const tiles = useFullResTiles(p.tiles, p.image, p.view, p.pane, p.pixelRatio, p.onTileError);
  const style = imageStyle(p.view, p.image.width, p.image.height);
  // One image pixel per device pixel or larger: crisp squares, as in the editor.
  const rendering = p.view.scale * p.pixelRatio >= 1 ? 'pixelated' : 'auto';
  const dim = p.dim ? ' dim' : '';
  return (
    <>
      <img className={`compare-img${dim}`} src={p.src} alt={p.alt} style={style} draggable={false} />
      <div className={`compare-img compare-tiles${dim}`} style={{ ...style, imageRendering: rendering }} data-full-res-tiles={tiles.length}>
        {tiles.map((t) => <TileCanvas key={t.rect.key} tile={t} />)}
      </div>
    </>
  );
}

function Pane({ children, view, setView, label, testId }: { children: React.ReactNode; view: ViewTransform; setView: (v: ViewTransform) => void; label: string; testId: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const gestures = usePaneGestures(ref, view, setView);
  return (
    <div ref={ref} className="compare-pane" data-testid={testId} data-view-scale={view.scale} data-view-offset-x={view.offsetX}
      data-view-offset-y={view.offsetY} {...gestures}>
      {children}
      <span className="pane-label">{label}</span>
    </div>
  );
}

function useHeatmap(enabled: boolean, originalUrl: string, sampleUrl: string, inMask: (x: number, y: number, pw: number, ph: number) => boolean, lossy: boolean, imageWidth: number) {
  const [state, setState] = useState<{ report: ChangeReport; url: string; margin: number } | null>(null);
  const inMaskRef = useRef(inMask);
  inMaskRef.current = inMask;
  useEffect(() => {
    setState(null);
    if (!enabled) return;
    let live = true;
    Promise.all([loadImage(originalUrl), loadImage(sampleUrl)]).then(([o, s]) => {
      if (!live) return;
      const pw = o.naturalWidth, ph = o.naturalHeight;
      const read = (img: HTMLImageElement): Uint8ClampedArray => {
        const c = document.createElement('canvas');
        c.width = pw;
        c.height = ph;
        const ctx = c.getContext('2d', { willReadFrequently: true })!;
        ctx.drawImage(img, 0, 0, pw, ph);
        return ctx.getImageData(0, 0, pw, ph).data;
      };
      const margin = proxyMargin(pw < imageWidth, lossy);
      const excluded = excludedArea(pw, ph, (x, y) => inMaskRef.current(x, y, pw, ph), margin);
      const report = changeHeatmap(read(o), read(s), pw, ph, excluded);
      const c = document.createElement('canvas');
      c.width = pw;
      c.height = ph;
      c.getContext('2d')!.putImageData(new ImageData(report.rgba, pw, ph), 0, 0);
      setState({ report, url: c.toDataURL('image/png'), margin });
    }, (err: unknown) => console.warn('Inpaint Studio: heatmap not computed:', err));
    return () => { live = false; };
  }, [enabled, originalUrl, sampleUrl, lossy, imageWidth]);
  return state;
}

export function CompareView(p: Props) {
  const { request, imageWidth: W, imageHeight: H } = p;
  const api = useApi();
  const image = useMemo(() => toImageSize(W, H), [W, H]);
  const [tileError, setTileError] = useState<string | null>(null);
  const onTileError = (err: unknown): void => setTileError(`Full-resolution detail could not be loaded: ${err instanceof Error ? err.message : String(err)}`);
  const body = useRef<HTMLDivElement>(null);
  const size = useElementSize(body);
  const panes = request.mode === 'side' ? 2 : 1;
  const paneSize = useMemo(() => ({ width: screenPx(Math.max(1, (size.width - (panes - 1) * 8) / panes)), height: size.height }), [size, panes]);
  const fitted = useMemo(() => fitView(toImageSize(W, H), paneSize, 12), [W, H, paneSize]);
  const [manual, setManual] = useState<ViewTransform | null>(null);
  const view = manual ?? fitted;
  const pixelRatio = useDevicePixelRatio();
  const [split, setSplit] = useState(50);
  const byId = new Map(p.samples.map((s) => [s.id, s]));
  const a = byId.get(request.a);
  const b = request.mode === 'side' ? byId.get(request.b) : undefined;
  const inMask = (x: number, y: number, pw: number, ph: number): boolean => {
    const ix = Math.floor(((x + 0.5) * W) / pw), iy = Math.floor(((y + 0.5) * H) / ph);
    if (p.mask) return maskValue(p.mask, ix, iy) === 255;
    return !!a && ix >= a.x && iy >= a.y && ix < a.x + a.width && iy < a.y + a.height;
  };
  const heat = useHeatmap(request.mode === 'heatmap' && !!a, p.originalUrl, a ? p.urlOf(a.id) : '', inMask, p.lossyProxy, W);

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        p.onClose();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [p]);

  if (!a) return null;
  const style = imageStyle(view, W, H);
  const picture = { view, image, pane: paneSize, pixelRatio, onTileError };
  const sampleName = (s: SampleSummary): string => `Sample ${s.index + 1} (seed ${s.seed})`;
  const setMode = (mode: 'split' | 'heatmap' | 'side'): void => {
    if (mode === 'side') {
      const other = p.samples.find((s) => s.id !== a.id);
      if (other) p.onChange({ mode, a: a.id, b: other.id });
    } else p.onChange({ mode, a: a.id });
  };

  return (
    <div className="modal-backdrop compare-backdrop">
      <div className="modal compare" role="dialog" aria-modal="true" aria-labelledby="compare-heading" data-testid="compare-view" data-mode={request.mode}>
        <header className="compare-header">
          <h2 id="compare-heading">Compare</h2>
          <div className="segmented" role="tablist" aria-label="Comparison">
            <button type="button" role="tab" aria-selected={request.mode === 'split'} onClick={() => setMode('split')}>Split with original</button>
            <button type="button" role="tab" aria-selected={request.mode === 'side'} disabled={p.samples.length < 2} onClick={() => setMode('side')}>Side by side</button>
            <button type="button" role="tab" aria-selected={request.mode === 'heatmap'} onClick={() => setMode('heatmap')}>Outside-mask change</button>
          </div>
          <label className="inline small">
            <span>{request.mode === 'side' ? 'Left' : 'Sample'}</span>
            <select value={a.id} aria-label="Sample to compare" onChange={(e) => p.onChange({ ...request, a: Number(e.currentTarget.value) } as CompareRequest)}>
              {p.samples.map((s) => <option key={s.id} value={s.id}>{sampleName(s)}</option>)}
            </select>
          </label>
          {request.mode === 'side' && (
            <label className="inline small">
              <span>Right</span>
              <select value={request.b} aria-label="Second sample" onChange={(e) => p.onChange({ ...request, b: Number(e.currentTarget.value) })}>
                {p.samples.map((s) => <option key={s.id} value={s.id}>{sampleName(s)}</option>)}
              </select>
            </label>
          )}
          <span className="segmented">
            <button type="button" onClick={() => setManual(null)}>Fit</button>
            <button type="button" title="One image pixel per screen pixel"
              onClick={() => setManual(actualPixelsView(view, screenPoint(paneSize.width / 2, paneSize.height / 2), pixelRatio))}>100 %</button>
          </span>
          <button type="button" onClick={p.onClose} aria-label="Close comparison">Close</button>
        </header>
        <div ref={body} className={`compare-body panes-${panes}`}>
          {request.mode === 'split' && (
            <Pane view={view} setView={setManual} label={`Original | ${sampleName(a)}`} testId="compare-pane">
              <Picture src={p.originalUrl} alt="Original" tiles={versionTileSource(api, p.originalVersionId)} {...picture} />
              <div className="compare-clip" style={{ clipPath: `inset(0 0 0 ${split}%)` }}>
                <Picture src={p.urlOf(a.id)} alt={sampleName(a)} tiles={sampleTileSource(api, a.id)} {...picture} />
              </div>
              <div className="split-line" style={{ left: `${split}%` }} />
            </Pane>
          )}
          {request.mode === 'side' && b && (
            <>
              <Pane view={view} setView={setManual} label={sampleName(a)} testId="compare-pane">
                <Picture src={p.urlOf(a.id)} alt={sampleName(a)} tiles={sampleTileSource(api, a.id)} {...picture} />
              </Pane>
              <Pane view={view} setView={setManual} label={sampleName(b)} testId="compare-pane">
                <Picture src={p.urlOf(b.id)} alt={sampleName(b)} tiles={sampleTileSource(api, b.id)} {...picture} />
              </Pane>
            </>
          )}
          {request.mode === 'heatmap' && (
            <Pane view={view} setView={setManual} label={`Change outside the mask: ${sampleName(a)}`} testId="compare-pane">
              <Picture src={p.urlOf(a.id)} alt={sampleName(a)} tiles={sampleTileSource(api, a.id)} dim {...picture} />
              {heat && <img className="compare-img heat" src={heat.url} alt="Change heatmap" style={style} draggable={false} />}
            </Pane>
          )}
        </div>
        <footer className="compare-footer small">
          {request.mode === 'split' && (
            <label className="inline">
              <span>Split</span>
              <input type="range" min={0} max={100} value={split} aria-label="Split position" onChange={(e) => setSplit(Number(e.currentTarget.value))} />
              <span className="muted">Left of the line: original; right: the sample. Wheel zooms, drag pans.</span>
            </label>
          )}
          {request.mode === 'side' && <span className="muted">Both panes share one zoom and pan: wheel over either, drag either.</span>}
          {tileError && <span className="muted" role="status" data-testid="compare-tile-error">{tileError}</span>}
          {request.mode === 'heatmap' && (heat ? (
            <span data-testid="heatmap-stats" data-max-outside={heat.report.maxOutside} data-changed-outside={heat.report.changedOutside}>
              Outside the mask: <strong>{heat.report.changedOutside === 0 ? 'no pixel changed' : `${heat.report.changedOutside} pixels changed (max ${heat.report.maxOutside}/255)`}</strong>
              {' '}of {heat.report.outsidePixels.toLocaleString()} compared. Blue: the mask plus a {heat.margin}-px band where the display proxy&apos;s resizing and encoding blur across the edge
              (the full-resolution output is byte-identical outside the mask by construction).
            </span>
          ) : <span className="muted">Computing…</span>)}
        </footer>
      </div>
    </div>
  );
}
