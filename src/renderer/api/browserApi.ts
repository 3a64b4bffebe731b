/**
 * Browser mode transport: `POST /api/<method>` with the launch token in a
 * header, JSON bodies in the shared wire format, events over Server-Sent
 * Events, files under `/files/...`.
 */
import { EVENT_NAMES, type FileRef, type Method, type RequestOf, type ResponseOf, type StudioApi, type StudioEvent } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import { filePath, fromWireJson, toWireJson } from '../../shared/wire';
import { unwrapEnvelope } from './envelope';

export interface BrowserApiOptions {
  readonly token: string;
  readonly fetch?: typeof fetch;
  readonly createEventSource?: (url: string) => EventSource;
}


function isStudioEvent(value: unknown): value is StudioEvent {
  if (value === null || typeof value !== 'object') return false;
  const v = value as { type?: unknown; payload?: unknown };
  return typeof v.type === 'string' && (EVENT_NAMES as readonly string[]).includes(v.type) && typeof v.payload === 'object' && v.payload !== null;
}

export function createBrowserApi(options: BrowserApiOptions): StudioApi {
  const { token } = options;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const createEventSource = options.createEventSource ?? ((url: string) => new EventSource(url));
  const listeners = new Set<(event: StudioEvent) => void>();
  let source: EventSource | null = null;

  const deliver = (message: MessageEvent): void => {
    let event: unknown;
    try {
      event = fromWireJson(String(message.data));
    } catch {
      console.error('Inpaint Studio: an event was not JSON', message.data);
      return;
    }
    if (!isStudioEvent(event)) return;
    for (const listener of [...listeners]) listener(event);
  };

  const connect = (): void => {
    if (source) return;
    source = createEventSource(`/api/events?token=${encodeURIComponent(token)}`);
    // Unnamed messages arrive as 'message'; named ones (if the server ever names them) by type.
    source.addEventListener('message', deliver);
    for (const name of EVENT_NAMES) source.addEventListener(name, deliver as EventListener);
  };

  return {
    async call<M extends Method>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>> {
      let response: Response;
      try {
        response = await doFetch(`/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-studio-token': token },
          body: toWireJson(request),
        });
      } catch (err) {
        throw new StudioError('INTERNAL', `the studio service cannot be reached (${err instanceof Error ? err.message : String(err)}); is it still running?`);
      }
      const text = await response.text();
      let body: unknown;
      try {
        body = fromWireJson(text);
      } catch {
        const code = response.status === 401 ? 'UNAUTHORIZED' : 'INTERNAL';
        throw new StudioError(code, `${method}: the studio service answered HTTP ${response.status} ${response.statusText}`.trim());
      }
      return (await unwrapEnvelope(body, method)) as ResponseOf<M>;
    },

    subscribe(listener) {
      listeners.add(listener);
      connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },

    fileUrl(ref: FileRef): string {
      return `${filePath(ref)}?token=${encodeURIComponent(token)}`;
    },
  };
}
