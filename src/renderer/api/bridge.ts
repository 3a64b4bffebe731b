/** What the Electron preload exposes on `window.studioBridge` (see src/main/adapters/electron/preload.ts). */
import type { StudioEvent } from '../../shared/api';
import type { WireError } from '../../shared/errors';

export type BridgeEnvelope = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: WireError };

export interface StudioBridge {
  readonly platform: 'electron';
  invoke(method: string, request: unknown): Promise<BridgeEnvelope>;
  onEvent(listener: (event: StudioEvent) => void): () => void;
}

declare global {
  interface Window {
    readonly studioBridge?: StudioBridge;
  }
}
