/** Renderer entry: picks the transport and mounts the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createStudioApi } from './api';
import { App } from './components/App';
import { Banners } from './components/Banners';
import { describeError } from './state/useStudio';

const root = createRoot(document.getElementById('root')!);
try {
  const api = createStudioApi();
  root.render(<StrictMode><App api={api} /></StrictMode>);
} catch (err) {
  const { code, message } = describeError(err);
  root.render(<Banners banners={[{ id: 1, code, message }]} onDismiss={() => undefined} />);
}
