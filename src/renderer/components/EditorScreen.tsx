/**
 * One version of one project: the mask editor (stage, tools, mask panel),
 * the fill parameters, the gallery of the current run with its comparisons,
 * and the history. Keyed by the base version, so a new version starts with a
 * fresh mask and history (or the draft saved for it).
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type RefObject } from 'react';
import type { SampleSummary } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import type { ImagePoint } from '../geometry/coords';
import { nearbySeedBase } from '../gallery/seeds';
import { imageSize as toImageSize } from '../geometry/coords';
import { useEdgePreview } from '../hooks/useEdgePreview';
import { useEditorShortcuts } from '../hooks/useEditorShortcuts';
import { useFillEstimate } from '../hooks/useFillEstimate';
import { useLayerUnderlay } from '../hooks/useLayerUnderlay';
import { useMaskDraft } from '../hooks/useMaskDraft';
import type { StageEdit } from '../hooks/useToolRunner';
import { activeHistory, EXCLUSION_RGB } from '../mask/exclusionLayer';
import { canRedo, canUndo } from '../mask/maskHistory';
import { encodeMaskPng } from '../mask/maskPng';
import { decodeMaskPng, downloadBytes } from '../mask/maskPngDecode';
import { overlayGridFor } from '../mask/overlay';
import { isMaskEmpty, type MaskRaster } from '../mask/tiledMask';
import { initialEditorState, rgbOf, updateEditor, type EditorInput, type ToolPrefs } from '../state/editorState';
import type { FillParams, FillParamsInput } from '../state/fillParams';
import type { EditorCommand } from '../state/keymap';
import { resultRun, resultSamples, type StudioState } from '../state/studioState';
import type { StudioActions } from '../state/useStudio';
import { toolById } from '../tools/registry';
import type { SpotHealer } from '../tools/spot-heal/spotHealer';
import { DEFAULT_SPOT_THRESHOLD } from '../view/spotMap';
import { useSpotMap } from '../view/useSpotMap';
import { useApi } from './ApiContext';
import { CompareView } from './CompareView';
import { ExportPanel } from './ExportPanel';
import { FillPanel } from './FillPanel';
import { Gallery, type CompareRequest } from './Gallery';
import { HelpOverlay } from './HelpOverlay';
import { MaskLayerSwitch } from './MaskLayerSwitch';
import { MaskPanel } from './MaskPanel';
import { SpotVisualiserPanel } from './SpotVisualiserPanel';
import { SelectPanel } from './SelectPanel';
import { MaskStage, type StageControl } from './MaskStage';
import { Toolbar } from './Toolbar';
import { VersionList } from './VersionList';

interface Props {
  readonly state: StudioState;
  readonly actions: StudioActions;
  readonly versionId: number;
  readonly params: FillParams;
  readonly onParams: (input: FillParamsInput) => void;
  /** Survives this screen being remounted for another version. */
  readonly toolPrefs: RefObject<ToolPrefs | null>;
  /** The mask each run of this session was made with (for "more like this" and the heatmap). */
  readonly runMasks: RefObject<Map<number, MaskRaster>>;
  /** One-click spot heal; outlives this screen (each heal makes a new version). */
  readonly healer: SpotHealer;
}

const KEEP_RUN_MASKS = 8;

function editFor(edit: Exclude<StageEdit, { type: 'pick' | 'pickBox' | 'spot' }>): EditorInput {
  switch (edit.type) {
    case 'stroke': return { type: 'commitStroke', stroke: edit.stroke };
    case 'polygon': return { type: 'commitPolygon', tool: edit.tool, points: edit.points, mode: edit.mode };
    case 'bucket': return { type: 'bucket', point: edit.point, mode: edit.mode };
  }
}

/** The image-pixel box between two drag corners, clamped to the photo. */
export function boxBetween(a: { x: number; y: number }, b: { x: number; y: number }, width: number, height: number): { x: number; y: number; width: number; height: number } {
  const x0 = Math.max(0, Math.min(a.x, b.x)), y0 = Math.max(0, Math.min(a.y, b.y));
  const x1 = Math.min(width, Math.max(a.x, b.x)), y1 = Math.min(height, Math.max(a.y, b.y));
  return { x: Math.round(x0), y: Math.round(y0), width: Math.max(1, Math.round(x1 - x0)), height: Math.max(1, Math.round(y1 - y0)) };
}

export function EditorScreen({ state, actions, versionId, params, onParams, toolPrefs, runMasks, healer }: Props) {
  const api = useApi();
  const project = state.project!;
  const projectId = project.project.id;
  const { width, height } = project.image;
  const [editor, dispatch] = useReducer(updateEditor, undefined, () => healer.takeCarried(versionId) ?? initialEditorState(width, height, toolPrefs.current));
  const [spotView, setSpotView] = useState(() => toolPrefs.current?.spotView ?? { on: false, threshold: DEFAULT_SPOT_THRESHOLD });
  useEffect(() => {
    toolPrefs.current = { tool: editor.tool, radius: editor.radius, hardness: editor.hardness, overlay: editor.overlay, spotView };
  }, [toolPrefs, editor.tool, editor.radius, editor.hardness, editor.overlay, spotView]);
  const editorNow = useRef(editor);
  editorNow.current = editor;
  useEffect(() => healer.releaseCarried(versionId), [healer, versionId]);
  const [healing, setHealing] = useState(() => healer.pending());
  useEffect(() => healer.onPending(setHealing), [healer]);
  const [previewId, setPreviewId] = useState<number | null>(null);
  const [help, setHelp] = useState(false);
  const [grow, setGrow] = useState(0);
  const [featherPreview, setFeatherPreview] = useState(false);
  const [featherFocus, setFeatherFocus] = useState(false);
  const [compare, setCompare] = useState<CompareRequest | null>(null);
  const [picked, setPicked] = useState<readonly number[]>([]);
  const stage = useRef<StageControl>(null);
  const size = useMemo(() => toImageSize(width, height), [width, height]);
  const grid = useMemo(() => overlayGridFor(size), [size]);
  const mask = editor.history.present;
  const empty = isMaskEmpty(mask);
  const rgb = useMemo(() => rgbOf(editor.overlay.colour), [editor.overlay.colour]);
  // The tools and whole-mask actions edit the selected layer; the other one is drawn beneath it.
  const onExclusion = editor.layer === 'exclusion';
  const exclusionMask = editor.exclusion.present;
  const active = activeHistory(editor);
  const activeMask = active.present;
  const activeEmpty = isMaskEmpty(activeMask);
  const activeRgb = onExclusion ? EXCLUSION_RGB : rgb;
  const underlay = useLayerUnderlay(onExclusion ? mask : exclusionMask, grid, onExclusion ? rgb : EXCLUSION_RGB);

  const restore = useCallback((m: MaskRaster) => dispatch({ type: 'restoreDraft', mask: m }), []);
  const restoreExclusion = useCallback((m: MaskRaster) => dispatch({ type: 'restoreExclusionDraft', mask: m }), []);
  const { status: draft, saver: draftSaver } = useMaskDraft(api, projectId, versionId, width, height, mask, restore, actions.reportError, exclusionMask, restoreExclusion);
  // A heal saves what is pending and moves the draft through the saver, so no stroke is lost.
  useEffect(() => healer.attach(() => editorNow.current, draftSaver), [healer, draftSaver]);
  const estimate = useFillEstimate(api, projectId, mask, params, state.job === null);
  const showEdges = grow !== 0 || featherPreview || featherFocus;
  const edgePreview = useEdgePreview(activeMask, grid, showEdges && !activeEmpty ? { grow, feather: featherPreview || featherFocus ? params.feather : 0 } : null, activeRgb, actions.reportError);

  useEditorShortcuts((command: EditorCommand) => {
    if (help && command !== 'help' && command !== 'cancelStroke') return;
    switch (command) {
      case 'undo': return dispatch({ type: 'undo' });
      case 'redo': return dispatch({ type: 'redo' });
      case 'brushSmaller': return dispatch({ type: 'stepRadius', direction: -1 });
      case 'brushLarger': return dispatch({ type: 'stepRadius', direction: 1 });
      case 'brushSofter': return dispatch({ type: 'stepHardness', direction: -1 });
      case 'brushHarder': return dispatch({ type: 'stepHardness', direction: 1 });
      case 'toolBrush': return dispatch({ type: 'selectTool', tool: 'brush' });
      case 'toolEraser': return dispatch({ type: 'selectTool', tool: 'eraser' });
      case 'toolLasso': return dispatch({ type: 'selectTool', tool: 'lasso' });
      case 'toolRectangle': return dispatch({ type: 'selectTool', tool: 'rectangle' });
      case 'toolBucket': return dispatch({ type: 'selectTool', tool: 'bucket' });
      case 'toolPick': return dispatch({ type: 'selectTool', tool: 'pick' });
      case 'toolHeal': return dispatch({ type: 'selectTool', tool: 'heal' });
      case 'toggleLayer': return dispatch({ type: 'selectLayer', layer: onExclusion ? 'fill' : 'exclusion' });
      case 'toggleSpots': return setSpotView((v) => ({ ...v, on: !v.on }));
      case 'invert': return dispatch({ type: 'invert' });
      case 'closePolygon': return stage.current?.closePolygon();
      case 'removeLastPoint': return stage.current?.removeLastPoint();
      case 'viewFit': return stage.current?.fit();
      case 'viewActual': return stage.current?.actualPixels();
      case 'help': return setHelp((h) => !h);
      case 'cancelStroke':
        if (help) return setHelp(false);
        return stage.current?.cancelStroke();
    }
  });

  const onImageError = useCallback((message: string) => actions.reportError(new Error(message)), [actions]);
  const result = state.result;
  const samples = resultSamples(state);
  const run = resultRun(state);
  const preview = result && samples.some((s) => s.id === previewId) ? previewId : null;
  const imageUrl = api.fileUrl(preview !== null ? { kind: 'sample-proxy', id: preview } : { kind: 'version-proxy', id: versionId });
  const spotMap = useSpotMap(imageUrl, spotView.on, spotView.threshold, actions.reportError);
  const rememberMask = (runId: number, m: MaskRaster): void => {
    const map = runMasks.current;
    map.set(runId, m);
    while (map.size > KEEP_RUN_MASKS) map.delete(map.keys().next().value!);
  };

  const fill = (): void => {
    const sent = mask;
    actions.fill(versionId, sent, params, (runId) => rememberMask(runId, sent), exclusionMask);
  };
  const moreLikeThis = (s: SampleSummary): void => {
    if (!run) return;
    const m = runMasks.current.get(run.id) ?? (empty ? null : mask);
    if (!m) return;
    const used = new Set(project.runs.flatMap((r) => r.samples.map((x) => x.seed)));
    const p = run.params;
    const next: FillParams = {
      method: p.method, model: p.model, sampler: p.sampler, steps: p.steps, strength: p.strength,
      samples: p.samples, feather: p.feather, seed: nearbySeedBase(s.seed, p.samples, used),
    };
    actions.fill(run.baseVersionId, m, next, (runId) => rememberMask(runId, m), exclusionMask);
  };
  const saveMask = (): void => {
    encodeMaskPng(activeMask).then((png) => downloadBytes(png, `${project.image.fileName.replace(/\.[^.]+$/, '')}-${onExclusion ? 'protect' : 'mask'}.png`), actions.reportError);
  };
  /** Click or box selection: the object joins the mask (or leaves it) as one undo step. */
  const pickAt = (target: { point: { x: number; y: number } } | { box: { x: number; y: number; width: number; height: number } }, subtract: boolean): void => {
    api.call('segment.select', { versionId, target })
      .then(async (r) => {
        if (r.layers.length === 0) return;
        dispatch({ type: 'addSelection', selection: await decodeMaskPng(r.mask, width, height), label: r.layers[0]!.label, subtract });
      })
      .catch(actions.reportError);
  };
  /** Spot heal: a disc of the brush radius at the click, healed and applied as the new version. */
  const heal = (point: ImagePoint, radius: number): void => {
    if (state.job) {
      actions.reportError(new StudioError('NOT_AVAILABLE', 'Spot heal waits for the running fill: let it finish or cancel it first'));
      return;
    }
    healer.heal({
      projectId, versionId, width, height, circle: { x: point.x, y: point.y, radius }, seed: params.seed, exclusion: exclusionMask,
      onApplied: actions.headApplied, onError: actions.reportError,
    });
  };
  const loadMask = (file: File): void => {
    decodeMaskPng(file, width, height).then((m) => dispatch({ type: 'loadMask', mask: m }), actions.reportError);
  };
  const expected = run?.params.samples ?? (state.job ? params.samples : samples.length);

  return (
    <div className="editor">
      <header className="editor-header">
        <button type="button" onClick={actions.backToProjects}>← Projects</button>
        <h1 className="project-title">{project.project.name}</h1>
        <span className="muted small">{width}×{height} px · {project.image.format.toUpperCase()}</span>
        {healing > 0 && <span className="muted small" role="status" data-testid="heal-pending">Healing {healing} spot{healing === 1 ? '' : 's'}…</span>}
        <Toolbar
          tool={editor.tool}
          radius={editor.radius}
          canUndo={canUndo(active)}
          canRedo={canRedo(active)}
          undoName={active.past.at(-1)?.name ?? null}
          redoName={active.future.at(-1)?.name ?? null}
          onTool={(tool) => dispatch({ type: 'selectTool', tool })}
          onRadius={(radius) => dispatch({ type: 'setRadius', radius })}
          hardness={editor.hardness}
          onHardness={(hardness) => dispatch({ type: 'setHardness', hardness })}
          onUndo={() => dispatch({ type: 'undo' })}
          onRedo={() => dispatch({ type: 'redo' })}
          onFit={() => stage.current?.fit()}
          onActualPixels={() => stage.current?.actualPixels()}
          onHelp={() => setHelp(true)}
        />
      </header>
      <div className="workspace">
        <div className="main-column">
          <MaskStage
            control={stage}
            imageUrl={imageUrl}
            editable={preview === null}
            fullResVersionId={preview === null ? versionId : null}
            imageSize={size}
            grid={grid}
            mask={activeMask}
            tool={toolById(editor.tool)}
            radius={editor.radius}
            hardness={editor.hardness}
            overlayRgb={activeRgb}
            underlay={underlay}
            viewImage={spotMap}
            overlayOpacity={editor.overlay.opacity}
            edgePreview={edgePreview?.canvas ?? null}
            edgePreviewCrc={edgePreview?.crc ?? null}
            onEdit={(edit) => {
              if (edit.type === 'pick') pickAt({ point: { x: Math.max(0, edit.point.x), y: Math.max(0, edit.point.y) } }, edit.mode === 'erase');
              else if (edit.type === 'pickBox') pickAt({ box: boxBetween(edit.from, edit.to, width, height) }, edit.mode === 'erase');
              else if (edit.type === 'spot') heal(edit.point, edit.radius);
              else dispatch(editFor(edit));
            }}
            onImageError={onImageError}
          />
          {result && (
            <Gallery
              info={state.info}
              runId={result.runId}
              run={run}
              samples={samples}
              expected={expected}
              finished={result.finished}
              running={state.job !== null && state.job.runId === result.runId}
              cancelling={state.job?.cancelling ?? false}
              preview={state.preview}
              imageWidth={width}
              imageHeight={height}
              busy={state.busy === 'applying'}
              previewId={preview}
              selected={picked}
              canMoreLikeThis={!!run && (runMasks.current.has(run.id) || !empty)}
              onSelect={(id) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-2)))}
              onPreview={setPreviewId}
              onCompare={setCompare}
              onMoreLikeThis={moreLikeThis}
              onApply={actions.applySample}
              onCancel={actions.cancelFill}
              onDiscard={actions.dismissResult}
            />
          )}
        </div>
        <aside className="sidebar">
          <SelectPanel
            api={api}
            versionId={versionId}
            width={width}
            height={height}
            onSelection={(selection, label, subtract) => dispatch({ type: 'addSelection', selection, label, subtract })}
            onError={actions.reportError}
          />
          <MaskLayerSwitch
            layer={editor.layer}
            fillPixels={mask.filled}
            exclusionPixels={exclusionMask.filled}
            onLayer={(layer) => dispatch({ type: 'selectLayer', layer })}
            onClearExclusion={() => dispatch({ type: 'clearMask', layer: 'exclusion' })}
          />
          <MaskPanel
            empty={activeEmpty}
            overlay={editor.overlay}
            grow={grow}
            featherPreview={featherPreview}
            draft={draft}
            onGrowPreview={setGrow}
            onGrowApply={() => { dispatch({ type: 'growShrink', radius: grow }); setGrow(0); }}
            onFeatherPreview={setFeatherPreview}
            onInvert={() => dispatch({ type: 'invert' })}
            onClear={() => dispatch({ type: 'clearMask' })}
            onOverlay={(overlay) => dispatch({ type: 'setOverlay', overlay })}
            onSave={saveMask}
            onLoad={loadMask}
          />
          <SpotVisualiserPanel
            on={spotView.on}
            threshold={spotView.threshold}
            shown={spotMap !== null}
            onToggle={(on) => setSpotView((v) => ({ ...v, on }))}
            onThreshold={(threshold) => setSpotView((v) => ({ ...v, threshold }))}
          />
          <FillPanel
            info={state.info}
            params={params}
            job={state.job}
            maskEmpty={empty}
            estimate={estimate}
            onParams={onParams}
            onFeatherFocus={setFeatherFocus}
            onFill={fill}
            onCancel={actions.cancelFill}
          />
          <VersionList project={project} baseVersionId={versionId} openRunId={result?.runId ?? null} busy={state.busy !== null}
            onSelect={actions.selectVersion} onRevert={actions.revertVersion} onOpenRun={actions.openRun} />
          <ExportPanel versionId={versionId} image={project.image} canSaveDialog={state.info?.mode === 'electron'}
            busy={state.busy === 'exporting'} onExport={actions.exportVersion} />
        </aside>
      </div>
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
      {compare && run && (
        <CompareView
          request={compare}
          samples={samples}
          originalUrl={api.fileUrl({ kind: 'version-proxy', id: run.baseVersionId })}
          originalVersionId={run.baseVersionId}
          urlOf={(id) => api.fileUrl({ kind: 'sample-proxy', id })}
          imageWidth={width}
          imageHeight={height}
          lossyProxy={project.image.format === 'jpeg' || project.image.format === 'webp'}
          mask={runMasks.current.get(run.id) ?? null}
          onChange={setCompare}
          onClose={() => setCompare(null)}
        />
      )}
    </div>
  );
}
