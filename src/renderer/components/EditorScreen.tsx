/**
 * One version of one project: the mask editor in the middle, the fill,
 * result, versions and export panels beside it. Keyed by the base version,
 * so a new version starts with a fresh mask and history.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef, useState, type RefObject } from 'react';
import { imageSize as toImageSize } from '../geometry/coords';
import { useEditorShortcuts } from '../hooks/useEditorShortcuts';
import { canRedo, canUndo } from '../mask/maskHistory';
import { isMaskEmpty } from '../mask/tiledMask';
import { initialEditorState, updateEditor, type ToolPrefs } from '../state/editorState';
import type { EditorCommand } from '../state/keymap';
import type { FillParams, FillParamsInput } from '../state/fillParams';
import { resultSamples, type StudioState } from '../state/studioState';
import type { StudioActions } from '../state/useStudio';
import { toolById } from '../tools/registry';
import { useApi } from './ApiContext';
import { ExportPanel } from './ExportPanel';
import { FillPanel } from './FillPanel';
import { MaskStage, type StageControl } from './MaskStage';
import { ResultView } from './ResultView';
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
}

export function EditorScreen({ state, actions, versionId, params, onParams, toolPrefs }: Props) {
  const api = useApi();
  const project = state.project!;
  const { width, height } = project.image;
  const [editor, dispatch] = useReducer(updateEditor, undefined, () => initialEditorState(width, height, toolPrefs.current));
  useEffect(() => {
    toolPrefs.current = { tool: editor.tool, radius: editor.radius };
  }, [toolPrefs, editor.tool, editor.radius]);
  const [previewId, setPreviewId] = useState<number | null>(null);
  const stage = useRef<StageControl>(null);
  const size = useMemo(() => toImageSize(width, height), [width, height]);
  const mask = editor.history.present;
  const empty = isMaskEmpty(mask);

  useEditorShortcuts((command: EditorCommand) => {
    switch (command) {
      case 'undo': return dispatch({ type: 'undo' });
      case 'redo': return dispatch({ type: 'redo' });
      case 'brushSmaller': return dispatch({ type: 'stepRadius', direction: -1 });
      case 'brushLarger': return dispatch({ type: 'stepRadius', direction: 1 });
      case 'toolBrush': return dispatch({ type: 'selectTool', tool: 'brush' });
      case 'toolEraser': return dispatch({ type: 'selectTool', tool: 'eraser' });
      case 'cancelStroke': return stage.current?.cancelStroke();
    }
  });

  const onImageError = useCallback((message: string) => actions.reportError(new Error(message)), [actions]);
  const result = state.result;
  const samples = resultSamples(state);
  const preview = result && samples.some((s) => s.id === previewId) ? previewId : null;

  return (
    <div className="editor">
      <header className="editor-header">
        <button type="button" onClick={actions.backToProjects}>← Projects</button>
        <h1 className="project-title">{project.project.name}</h1>
        <span className="muted small">{width}×{height} px · {project.image.format.toUpperCase()}</span>
        <Toolbar
          tool={editor.tool}
          radius={editor.radius}
          canUndo={canUndo(editor.history)}
          canRedo={canRedo(editor.history)}
          maskEmpty={empty}
          onTool={(tool) => dispatch({ type: 'selectTool', tool })}
          onRadius={(radius) => dispatch({ type: 'setRadius', radius })}
          onUndo={() => dispatch({ type: 'undo' })}
          onRedo={() => dispatch({ type: 'redo' })}
          onClear={() => dispatch({ type: 'clearMask' })}
        />
      </header>
      <div className="workspace">
        <MaskStage
          control={stage}
          imageUrl={api.fileUrl(preview !== null ? { kind: 'sample-proxy', id: preview } : { kind: 'version-proxy', id: versionId })}
          editable={preview === null}
          imageSize={size}
          mask={mask}
          tool={toolById(editor.tool)}
          radius={editor.radius}
          onStroke={(stroke) => dispatch({ type: 'commitStroke', stroke })}
          onImageError={onImageError}
        />
        <aside className="sidebar">
          <FillPanel
            info={state.info}
            params={params}
            job={state.job}
            maskEmpty={empty}
            onParams={onParams}
            onFill={() => actions.fill(versionId, mask, params)}
            onCancel={actions.cancelFill}
          />
          {result && (
            <ResultView
              runId={result.runId}
              samples={samples}
              previewId={preview}
              onPreview={setPreviewId}
              finished={result.finished}
              busy={state.busy === 'applying'}
              onApply={actions.applySample}
              onDiscard={actions.dismissResult}
            />
          )}
          <VersionList project={project} baseVersionId={versionId} onSelect={actions.selectVersion} />
          <ExportPanel versionId={versionId} image={project.image} canSaveDialog={state.info?.mode === 'electron'}
            busy={state.busy === 'exporting'} onExport={actions.exportVersion} />
        </aside>
      </div>
    </div>
  );
}
