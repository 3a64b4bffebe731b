/** Turns a transport's `{ ok, result | error }` answer into a result or a thrown StudioError. */
import { ERROR_CODES, fromWireError, StudioError, type ErrorCode } from '../../shared/errors';

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code);
}

export function unwrapEnvelope(body: unknown, context: string): unknown {
  if (body !== null && typeof body === 'object' && 'ok' in body) {
    const envelope = body as { ok: unknown; result?: unknown; error?: unknown };
    if (envelope.ok === true) return envelope.result;
    const error = envelope.error as { code?: unknown; message?: unknown } | undefined;
    if (envelope.ok === false && error && typeof error.message === 'string') {
      throw fromWireError({ code: isErrorCode(error.code) ? error.code : 'INTERNAL', message: error.message });
    }
  }
  throw new StudioError('INTERNAL', `${context}: the studio service sent an answer the app does not understand`);
}
