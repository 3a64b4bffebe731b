import { useMemo, useRef, useState } from 'react';
import type { StudioApi } from '../../shared/api';
import type { MaskRaster } from '../mask/tiledMask';
import type { ToolPrefs } from '../state/editorState';
import { useFileDrop } from '../hooks/useFileDrop';
import { useGlobalErrors } from '../hooks/useGlobalErrors';
import { useFillParams } from '../state/useFillParams';
import { useStudio } from '../state/useStudio';
import { ApiContext } from './ApiContext';
import { Banners } from './Banners';
import { EditorScreen } from './EditorScreen';
import { StartScreen } from './StartScreen';
import { StatusLine } from './StatusLine';
import { BatchScreen } from '../batch/BatchScreen';
import { SpotHealer } from '../tools/spot-heal/spotHealer';

export function App({ api }: { readonly api: StudioApi }) {
  const { state, actions } = useStudio(api);
  useGlobalErrors(actions.reportError);
  const dragging = useFileDrop(actions.importFile);
  const [params, setParam] = useFillParams(state.info);
  const toolPrefs = useRef<ToolPrefs | null>(null);
  const runMasks = useRef(new Map<number, MaskRaster>());
  const [batchOpen, setBatchOpen] = useState(false);
  const healer = useMemo(() => new SpotHealer(api), [api]);
  return (
    <ApiContext.Provider value={api}>
      <div className="app">
        <Banners banners={state.banners} onDismiss={actions.dismissBanner} />
        {batchOpen ? (
          <BatchScreen api={api} info={state.info} onBack={() => setBatchOpen(false)} onError={actions.reportError} />
        ) : state.project && state.baseVersionId !== null ? (
          <EditorScreen key={`${state.project.project.id}:${state.baseVersionId}`} state={state} actions={actions}
            versionId={state.baseVersionId} params={params} onParams={setParam} toolPrefs={toolPrefs} runMasks={runMasks} healer={healer} />
        ) : (
          <StartScreen
            info={state.info}
            projects={state.projects}
            busy={state.busy !== null}
            onOpenProject={actions.openProject}
            onRenameProject={actions.renameProject}
            onDeleteProject={actions.deleteProject}
            onFile={actions.importFile}
            onOpenDialog={actions.openDialog}
            onBatch={() => setBatchOpen(true)}
          />
        )}
        <StatusLine busy={state.busy} notice={state.notice} />
        {dragging && <div className="drop-overlay" aria-hidden="true">Drop the photo to open it</div>}
      </div>
    </ApiContext.Provider>
  );
}
