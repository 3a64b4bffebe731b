/** Electron transport: the preload's bridge, structured-clone IPC, files over the `studio://` protocol. */
import type { FileRef, Method, RequestOf, ResponseOf, StudioApi } from '../../shared/api';
import { filePath } from '../../shared/wire';
import type { StudioBridge } from './bridge';
import { unwrapEnvelope } from './envelope';

export function createElectronApi(bridge: StudioBridge): StudioApi {
  return {
    async call<M extends Method>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>> {
      return (await unwrapEnvelope(await bridge.invoke(method, request), method)) as ResponseOf<M>;
    },
    subscribe(listener) {
      return bridge.onEvent(listener);
    },
    fileUrl(ref: FileRef): string {
      return `studio://app${filePath(ref)}`;
    },
  };
}
