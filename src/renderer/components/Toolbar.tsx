import { MAX_RADIUS, MIN_RADIUS } from '../tools/brush/brushSize';
import { TOOLS } from '../tools/registry';
import type { ToolId } from '../tools/toolTypes';

interface Props {
  readonly tool: ToolId;
  readonly radius: number;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  readonly undoName: string | null;
  readonly redoName: string | null;
  readonly onTool: (tool: ToolId) => void;
  readonly onRadius: (radius: number) => void;
  /** 0..1 */
  readonly hardness: number;
  readonly onHardness: (hardness: number) => void;
  readonly onUndo: () => void;
  readonly onRedo: () => void;
  readonly onFit: () => void;
  readonly onActualPixels: () => void;
  readonly onHelp: () => void;
}

export function Toolbar(p: Props) {
  return (
    <div className="toolbar" role="toolbar" aria-label="Mask tools">
      <div className="segmented">
        {TOOLS.map((t) => (
          <button key={t.id} type="button" aria-pressed={p.tool === t.id} title={`${t.label} (${t.shortcut})`} onClick={() => p.onTool(t.id)}>
            {t.label}
          </button>
        ))}
      </div>
      <label className="size">
        <span>Size</span>
        <input type="range" min={MIN_RADIUS} max={Math.min(MAX_RADIUS, 500)} value={Math.min(p.radius, 500)}
          aria-label="Brush radius in image pixels" title="Brush size ([ and ])" onChange={(e) => p.onRadius(Number(e.currentTarget.value))} />
        <output aria-live="polite">{p.radius} px</output>
      </label>
      <label className="size">
        <span>Hardness</span>
        <input type="range" min={0} max={100} step={5} value={Math.round(p.hardness * 100)}
          aria-label="Brush hardness in percent" title="Brush hardness (Shift+[ and Shift+]): below 100 % the edge blends the fill in gradually, inside the brush circle only"
          onChange={(e) => p.onHardness(Number(e.currentTarget.value) / 100)} />
        {/* A span, not an <output>: the toolbar's one output is the brush size. */}
        <span className="hardness-value" aria-live="polite">{Math.round(p.hardness * 100)} %</span>
      </label>
      <button type="button" disabled={!p.canUndo} title={`Undo${p.undoName ? ` ${p.undoName}` : ''} (Ctrl+Z)`} onClick={p.onUndo}>Undo</button>
      <button type="button" disabled={!p.canRedo} title={`Redo${p.redoName ? ` ${p.redoName}` : ''} (Ctrl+Shift+Z)`} onClick={p.onRedo}>Redo</button>
      <span className="segmented">
        <button type="button" title="Fit the photo (Ctrl+0)" onClick={p.onFit}>Fit</button>
        <button type="button" title="One image pixel per screen pixel (Ctrl+1)" onClick={p.onActualPixels}>100 %</button>
      </span>
      <button type="button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={p.onHelp}>?</button>
    </div>
  );
}
