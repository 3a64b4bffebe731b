/**
 * Sandboxed preload: exposes only the typed API bridge to the page. The page
 * gets no Node, no Electron objects, no ipcRenderer.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

contextBridge.exposeInMainWorld('studioBridge', {
  platform: 'electron',
  invoke: (method: string, request: unknown): Promise<unknown> => ipcRenderer.invoke('studio:call', method, request),
  onEvent: (listener: (event: unknown) => void): (() => void) => {
    const wrapped = (_e: IpcRendererEvent, event: unknown) => listener(event);
    ipcRenderer.on('studio:event', wrapped);
    return () => ipcRenderer.removeListener('studio:event', wrapped);
  },
});
