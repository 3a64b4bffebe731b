/**
 * The photo (display proxy) and the mask overlay on a Konva stage that fits
 * its container. Pointer input is converted to image pixels here, fed to the
 * brush state machine, and its effects are carried out: live preview on the
 * screen-resolution overlay, or a finished stroke handed to the editor.
 */
import type Konva from 'konva';
import { useCallback, useImperativeHandle, useMemo, useRef, type PointerEvent as ReactPointerEvent, type Ref } from 'react';
import { Circle, Image as KonvaImage, Layer, Stage } from 'react-konva';
import {
  fitView, imageLengthToScreen, imageRectOnScreen, imageToScreen, screenPoint, screenToImage,
  type ImagePoint, type ImagePx, type ImageSize,
} from '../geometry/coords';
import { useElementSize } from '../hooks/useElementSize';
import { useHtmlImage } from '../hooks/useHtmlImage';
import { useOverlayCanvas } from '../hooks/useOverlayCanvas';
import type { Stroke } from '../mask/maskHistory';
import { overlayGrid } from '../mask/overlay';
import { maskBounds, type MaskRaster } from '../mask/tiledMask';
import { IDLE, type BrushEffect, type BrushInput, type BrushState } from '../tools/brush/brushState';
import { updateBrush } from '../tools/brush/brushTool';
import type { ToolDefinition } from '../tools/toolTypes';

export interface StageControl {
  cancelStroke(): void;
}

export interface MaskStageProps {
  readonly imageUrl: string;
  readonly imageSize: ImageSize;
  readonly mask: MaskRaster;
  readonly tool: ToolDefinition;
  readonly radius: ImagePx;
  readonly onStroke: (stroke: Stroke) => void;
  readonly onImageError: (message: string) => void;
  readonly control?: Ref<StageControl>;
  /** False while a result is shown in place of the photo: no overlay, no painting. */
  readonly editable?: boolean;
}

const PADDING = 16;

export function MaskStage(props: MaskStageProps) {
  const { imageSize, mask, tool, radius, onStroke } = props;
  const containerRef = useRef<HTMLDivElement>(null);
  const viewport = useElementSize(containerRef);
  const loaded = useHtmlImage(props.imageUrl, props.onImageError);
  const photo = loaded.element;
  const editable = props.editable ?? true;
  const view = useMemo(() => fitView(imageSize, viewport, PADDING), [imageSize, viewport]);
  const rect = imageRectOnScreen(view, imageSize);
  const pixelRatio = Math.min(2, window.devicePixelRatio || 1);
  const grid = useMemo(() => overlayGrid(imageSize, rect, pixelRatio), [imageSize, rect.width, rect.height, pixelRatio]);

  const overlayNode = useRef<Konva.Image>(null);
  const cursorNode = useRef<Konva.Circle>(null);
  const redraw = useCallback(() => overlayNode.current?.getLayer()?.batchDraw(), []);
  const overlay = useOverlayCanvas(grid, mask, redraw);
  const brush = useRef<BrushState>(IDLE);

  const runEffects = (effects: readonly BrushEffect[]): void => {
    for (const effect of effects) {
      if (effect.type === 'previewSegment') overlay.drawSegment(effect.from, effect.to, effect.radius, effect.mode);
      else if (effect.type === 'commitStroke') {
        onStroke(effect.stroke);
        requestAnimationFrame(() => overlay.settle());
      } else overlay.settle();
    }
  };
  const feed = (input: BrushInput): void => {
    const t = updateBrush(brush.current, input);
    brush.current = t.state;
    runEffects(t.effects);
  };

  useImperativeHandle(props.control, () => ({ cancelStroke: () => feed({ type: 'cancel' }) }));

  const toImage = (e: { clientX: number; clientY: number }): ImagePoint => {
    const box = containerRef.current!.getBoundingClientRect();
    return screenToImage(view, screenPoint(e.clientX - box.left, e.clientY - box.top));
  };

  const moveCursor = (p: ImagePoint | null): void => {
    const c = cursorNode.current;
    if (!c) return;
    if (p) {
      const s = imageToScreen(view, p);
      c.setAttrs({ x: s.x, y: s.y, radius: Math.max(1, imageLengthToScreen(view, radius)), visible: true });
    } else c.visible(false);
    c.getLayer()?.batchDraw();
  };

  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>): void => {
    if (e.button !== 0 || !loaded.ready || !editable) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    feed({ type: 'pointerDown', point: toImage(e), radius, mode: tool.strokeMode });
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>): void => {
    const last = toImage(e);
    moveCursor(editable ? last : null);
    if (brush.current.kind !== 'painting') return;
    const events = e.nativeEvent.getCoalescedEvents?.() ?? [];
    for (const c of events.length > 0 ? events : [e]) feed({ type: 'pointerMove', point: toImage(c) });
  };
  const onPointerUp = (e: ReactPointerEvent<HTMLDivElement>): void => {
    if (brush.current.kind === 'painting') feed({ type: 'pointerMove', point: toImage(e) });
    feed({ type: 'pointerUp' });
  };

  const bounds = useMemo(() => maskBounds(mask), [mask]);

  return (
    <div
      ref={containerRef}
      className={`stage tool-${tool.id}`}
      data-testid="stage-container"
      data-view-scale={view.scale}
      data-view-offset-x={view.offsetX}
      data-view-offset-y={view.offsetY}
      data-image-width={imageSize.width}
      data-image-height={imageSize.height}
      data-mask-filled={mask.filled}
      data-mask-bounds={bounds ? `${bounds.x},${bounds.y},${bounds.width},${bounds.height}` : ''}
      data-ready={loaded.ready ? 'true' : 'false'}
      aria-label={`Photo canvas: paint with the ${tool.label.toLowerCase()}`}
      role="application"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={() => feed({ type: 'cancel' })}
      onLostPointerCapture={() => feed({ type: 'pointerUp' })}
      onPointerLeave={() => moveCursor(null)}
    >
      {viewport.width > 0 && viewport.height > 0 && (
        <Stage width={viewport.width} height={viewport.height} listening={false}>
          <Layer listening={false}>
            {photo && <KonvaImage image={photo} x={rect.x} y={rect.y} width={rect.width} height={rect.height} />}
          </Layer>
          <Layer listening={false}>
            <KonvaImage ref={overlayNode} image={overlay.canvas} x={rect.x} y={rect.y} width={rect.width} height={rect.height} opacity={0.5} visible={editable} />
            <Circle ref={cursorNode} radius={1} stroke="#ffffff" strokeWidth={1.5} dash={tool.strokeMode === 'erase' ? [4, 3] : []}
              shadowColor="#000000" shadowBlur={2} visible={false} />
          </Layer>
        </Stage>
      )}
      {!photo && <p className="stage-loading">Loading photo…</p>}
      {!editable && <p className="stage-badge">Showing a fill result: the mask is hidden</p>}
    </div>
  );
}
