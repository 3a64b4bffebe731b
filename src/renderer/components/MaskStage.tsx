/**
 * The photo (display proxy) and the mask overlay on a Konva stage with zoom
 * and pan. Pointer input is converted to image pixels here (through
 * geometry/coords only) and handed to the active tool's state machine; its
 * effects are drawn live (brush segments on the overlay canvas, outlines for
 * the lasso and rectangle) and finished edits go to the editor.
 */
import Konva from 'konva';
import { useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, type PointerEvent as ReactPointerEvent, type Ref } from 'react';
import { Circle, Image as KonvaImage, Layer, Line, Stage } from 'react-konva';
import {
  deviceAlignedSize, imageLengthToScreen, imagePoint, imagePx, imageRectOnScreen, imageToScreen, screenLengthToImage, screenPoint, screenPx, screenToImage, zoomPercent,
  type ImagePoint, type ImagePx, type ImageSize,
} from '../geometry/coords';
import { useDevicePixelRatio } from '../hooks/useDevicePixelRatio';
import { useElementSize } from '../hooks/useElementSize';
import { useFullResTiles, versionTileSource } from '../hooks/useFullResTiles';
import { useHeldKeys } from '../hooks/useHeldKeys';
import { useHtmlImage } from '../hooks/useHtmlImage';
import { useOverlayCanvas } from '../hooks/useOverlayCanvas';
import { useToolRunner, type Outline, type StageEdit } from '../hooks/useToolRunner';
import { useViewport } from '../hooks/useViewport';
import type { OverlayGrid } from '../mask/overlay';
import { maskBounds, type MaskRaster } from '../mask/tiledMask';
import { toolKind, type ToolDefinition } from '../tools/toolTypes';
import { useApi } from './ApiContext';

export interface StageControl {
  cancelStroke(): void;
  closePolygon(): void;
  removeLastPoint(): void;
  fit(): void;
  actualPixels(): void;
}

export interface MaskStageProps {
  readonly imageUrl: string;
  readonly imageSize: ImageSize;
  readonly mask: MaskRaster;
  readonly grid: OverlayGrid;
  readonly tool: ToolDefinition;
  readonly radius: ImagePx;
  /** Brush hardness 0..1; below 1 the cursor also shows the full-strength core. */
  readonly hardness?: number;
  readonly overlayRgb: readonly [number, number, number];
  readonly overlayOpacity: number;
  /** Grow/feather preview drawn in place of the overlay, when set. */
  readonly edgePreview: HTMLCanvasElement | null;
  /** CRC-32 of the preview's RGBA, exposed for end-to-end checks. */
  readonly edgePreviewCrc?: number | null;
  /** The mask layer not being edited, drawn under the active one (whole-canvas, overlay resolution). */
  readonly underlay?: HTMLCanvasElement | null;
  /** Drawn over the photo instead of it (the "visualise spots" map). */
  readonly viewImage?: HTMLCanvasElement | null;
  /** The version whose full-resolution pixels are drawn over the proxy at high zoom; null = the proxy only. */
  readonly fullResVersionId?: number | null;
  readonly onEdit: (edit: StageEdit) => void;
  readonly onImageError: (message: string) => void;
  readonly control?: Ref<StageControl>;
  /** False while a result is shown in place of the photo: no overlay, no painting. */
  readonly editable?: boolean;
}

/** How far (screen px) a press may move and still count as a click. */
const CLICK_SLOP = 4;

export function MaskStage(props: MaskStageProps) {
  const { imageSize, mask, tool, radius, grid } = props;
  const containerRef = useRef<HTMLDivElement>(null);
  const viewportSize = useElementSize(containerRef);
  const loaded = useHtmlImage(props.imageUrl, props.onImageError);
  const photo = loaded.element;
  const editable = props.editable ?? true;
  const pixelRatio = useDevicePixelRatio();
  // The canvases' CSS size is a whole number of device pixels, so their bitmaps map 1:1 onto the screen.
  const stageSize = useMemo(() => deviceAlignedSize(viewportSize, pixelRatio), [viewportSize, pixelRatio]);
  const viewport = useViewport(containerRef, imageSize, viewportSize, pixelRatio);
  const { view } = viewport;
  const held = useHeldKeys();
  const rect = imageRectOnScreen(view, imageSize);
  const api = useApi();
  const fullResVersionId = loaded.ready ? props.fullResVersionId ?? null : null;
  const fullResSource = useMemo(() => (fullResVersionId === null ? null : versionTileSource(api, fullResVersionId)), [api, fullResVersionId]);
  const fullRes = useFullResTiles(fullResSource, imageSize, view, viewportSize, pixelRatio,
    (err) => props.onImageError(`Full-resolution detail could not be loaded: ${err instanceof Error ? err.message : String(err)}`));

  // Konva sizes a layer's canvas by the ratio it was created with: keep every layer, and those mounted later, at the device's.
  const stageNode = useRef<Konva.Stage>(null);
  useLayoutEffect(() => {
    Konva.pixelRatio = pixelRatio;
    const stage = stageNode.current;
    if (!stage) return;
    for (const layer of stage.getLayers()) if (layer.getCanvas().getPixelRatio() !== pixelRatio) layer.getCanvas().setPixelRatio(pixelRatio);
    stage.batchDraw();
  }, [pixelRatio]);

  const overlayNode = useRef<Konva.Image>(null);
  const cursorNode = useRef<Konva.Circle>(null);
  const coreNode = useRef<Konva.Circle>(null);
  const outlineNode = useRef<Konva.Line>(null);
  const outlineShadow = useRef<Konva.Line>(null);
  const outline = useRef<Outline | null>(null);
  const lastPointer = useRef<ImagePoint | null>(null);
  const redraw = useCallback(() => overlayNode.current?.getLayer()?.batchDraw(), []);
  const overlay = useOverlayCanvas(grid, mask, redraw, props.overlayRgb);

  const drawOutline = (): void => {
    const o = outline.current;
    for (const node of [outlineNode.current, outlineShadow.current]) {
      if (!node) continue;
      if (!o) node.visible(false);
      else {
        node.points(o.points.flatMap((p) => { const s = imageToScreen(view, p); return [s.x, s.y]; }));
        node.closed(o.closed);
        node.visible(true);
      }
    }
    outlineNode.current?.getLayer()?.batchDraw();
  };
  // Outlines are kept in image pixels; re-project them whenever the view moves.
  useLayoutEffect(drawOutline);

  const runner = useToolRunner(tool, {
    drawSegment: overlay.drawSegment,
    settle: overlay.settle,
    outline: (o) => {
      outline.current = o;
      drawOutline();
    },
    edit: props.onEdit,
  });

  // A gesture in progress belongs to the tool that started it: switching tools abandons it.
  const toolId = tool.id;
  const cancelOnSwitch = useRef(runner);
  cancelOnSwitch.current = runner;
  useEffect(() => () => cancelOnSwitch.current.key('cancel'), [toolId]);

  useImperativeHandle(props.control, () => ({
    cancelStroke: () => runner.key('cancel'),
    closePolygon: () => runner.key('close'),
    removeLastPoint: () => runner.key('removeLast'),
    fit: viewport.fit,
    actualPixels: () => viewport.actualPixels(),
  }));

  const toImage = (e: { clientX: number; clientY: number }): ImagePoint => {
    const box = containerRef.current!.getBoundingClientRect();
    return screenToImage(view, screenPoint(e.clientX - box.left, e.clientY - box.top));
  };

  const showCursor = editable && (toolKind(tool) === 'brush' || toolKind(tool) === 'spot');
  const moveCursor = (p: ImagePoint | null): void => {
    const c = cursorNode.current;
    if (!c) return;
    const hardness = props.hardness ?? 1;
    const softBrush = toolKind(tool) === 'brush' && hardness < 1;
    if (p && showCursor) {
      const s = imageToScreen(view, p);
      c.setAttrs({ x: s.x, y: s.y, radius: Math.max(1, imageLengthToScreen(view, radius)), visible: true });
      coreNode.current?.setAttrs({ x: s.x, y: s.y, radius: Math.max(0.5, imageLengthToScreen(view, radius) * hardness), visible: softBrush && hardness > 0 });
    } else {
      c.visible(false);
      coreNode.current?.visible(false);
    }
    c.getLayer()?.batchDraw();
  };
  useLayoutEffect(() => moveCursor(lastPointer.current));

  const sample = (e: { clientX: number; clientY: number; altKey: boolean; pointerType?: string; pressure?: number }) => ({
    point: toImage(e),
    alt: e.altKey,
    ...(e.pointerType === 'pen' && e.pressure !== undefined && e.pressure > 0 ? { pressure: e.pressure } : {}),
  });

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>): void => {
    if (e.button === 1 || (e.button === 0 && held.space.current)) {
      e.preventDefault();
      e.currentTarget.setPointerCapture(e.pointerId);
      viewport.panStart(e.clientX, e.clientY);
      return;
    }
    if (e.button !== 0 || !loaded.ready || !editable) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    runner.down(sample(e), radius, imagePx(screenLengthToImage(view, screenPx(CLICK_SLOP))), props.hardness ?? 1);
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>): void => {
    if (viewport.panMove(e.clientX, e.clientY)) return;
    const last = toImage(e);
    lastPointer.current = last;
    moveCursor(last);
    if (!runner.busy()) return;
    const events = e.nativeEvent.getCoalescedEvents?.() ?? [];
    for (const c of events.length > 0 ? events : [e.nativeEvent]) runner.move(sample(c));
  };
  const onPointerUp = (e: ReactPointerEvent<HTMLDivElement>): void => {
    if (viewport.panning) {
      viewport.panEnd();
      return;
    }
    runner.up(sample(e));
  };

  const bounds = useMemo(() => maskBounds(mask), [mask]);
  const overlayVisible = editable && !held.original;

  return (
    <div
      ref={containerRef}
      className={`stage tool-${tool.id}${viewport.panning ? ' panning' : ''}`}
      data-testid="stage-container"
      data-view-scale={view.scale}
      data-view-offset-x={view.offsetX}
      data-view-offset-y={view.offsetY}
      data-view-fitted={viewport.fitted ? 'true' : 'false'}
      data-image-width={imageSize.width}
      data-image-height={imageSize.height}
      data-mask-filled={mask.filled}
      data-mask-bounds={bounds ? `${bounds.x},${bounds.y},${bounds.width},${bounds.height}` : ''}
      data-overlay-visible={overlayVisible ? 'true' : 'false'}
      data-edge-preview={props.edgePreview ? 'true' : 'false'}
      data-edge-preview-crc={props.edgePreview && props.edgePreviewCrc != null ? props.edgePreviewCrc : ''}
      data-tool={tool.id}
      data-full-res-tiles={fullRes.length}
      data-spot-view={props.viewImage ? 'true' : 'false'}
      data-ready={loaded.ready ? 'true' : 'false'}
      aria-label={`Photo canvas: ${tool.label.toLowerCase()}`}
      role="application"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={() => { viewport.panEnd(); runner.key('cancel'); }}
      onLostPointerCapture={onPointerUp}
      onPointerLeave={() => { lastPointer.current = null; moveCursor(null); }}
      onDoubleClick={() => runner.doubleClick()}
      onAuxClick={(e) => e.preventDefault()}
      onContextMenu={(e) => { if (runner.busy()) e.preventDefault(); }}
    >
      {viewportSize.width > 0 && viewportSize.height > 0 && (
        <Stage ref={stageNode} width={stageSize.width} height={stageSize.height} listening={false}>
          <Layer listening={false}>
            {photo && <KonvaImage image={photo} x={rect.x} y={rect.y} width={rect.width} height={rect.height} />}
          </Layer>
          {fullRes.length > 0 && (
            // Image pixels drawn one to one or larger show as crisp squares, as in any photo editor at ≥ 100 %.
            <Layer listening={false} imageSmoothingEnabled={view.scale * pixelRatio < 1}>
              {fullRes.map((t) => {
                const at = imageToScreen(view, imagePoint(t.rect.x, t.rect.y));
                return <KonvaImage key={t.rect.key} image={t.canvas} x={at.x} y={at.y} width={t.rect.width * view.scale} height={t.rect.height * view.scale} />;
              })}
            </Layer>
          )}
          {props.viewImage && (
            <Layer listening={false} imageSmoothingEnabled={false}>
              <KonvaImage image={props.viewImage} x={rect.x} y={rect.y} width={rect.width} height={rect.height} />
            </Layer>
          )}
          <Layer listening={false} imageSmoothingEnabled={view.scale * 2 < grid.sx}>
            {props.underlay && (
              <KonvaImage image={props.underlay} x={rect.x} y={rect.y} width={rect.width} height={rect.height}
                opacity={props.overlayOpacity * 0.8} visible={overlayVisible} />
            )}
            <KonvaImage ref={overlayNode} image={overlay.canvas} x={rect.x} y={rect.y} width={rect.width} height={rect.height}
              opacity={props.overlayOpacity} visible={overlayVisible && !props.edgePreview} />
            {props.edgePreview && (
              <KonvaImage image={props.edgePreview} x={rect.x} y={rect.y} width={rect.width} height={rect.height}
                opacity={Math.max(0.35, props.overlayOpacity)} visible={overlayVisible} />
            )}
          </Layer>
          <Layer listening={false}>
            <Line ref={outlineShadow} points={[]} stroke="#000000" strokeWidth={3} opacity={0.6} visible={false} listening={false} />
            <Line ref={outlineNode} points={[]} stroke="#ffffff" strokeWidth={1.25} dash={[6, 4]} visible={false} listening={false} />
            <Circle ref={cursorNode} radius={1} stroke="#ffffff" strokeWidth={1.5} dash={tool.strokeMode === 'erase' ? [4, 3] : []}
              shadowColor="#000000" shadowBlur={2} visible={false} />
            <Circle ref={coreNode} radius={1} stroke="#ffffff" strokeWidth={1} opacity={0.7} dash={[2, 3]} listening={false} visible={false} />
          </Layer>
        </Stage>
      )}
      {!photo && <p className="stage-loading">Loading photo…</p>}
      {!editable && <p className="stage-badge">Showing a fill result: the mask is hidden</p>}
      {editable && held.original && <p className="stage-badge">Original (release O to see the mask)</p>}
      <p className="stage-zoom small" aria-live="off">{Math.round(zoomPercent(view, pixelRatio))} %</p>
    </div>
  );
}
