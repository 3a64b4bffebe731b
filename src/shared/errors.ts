/**
 * Expected failures carry a stable string code that the UI and the CLI turn
 * into a clear message (STYLE.md §10). Bugs are plain Errors and reach the
 * global handler instead.
 */
export const ERROR_CODES = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN_PATH',
  'NOT_FOUND',
  'UNSUPPORTED_FORMAT',
  'CORRUPT_IMAGE',
  'IMAGE_TOO_LARGE',
  'MASK_SIZE_MISMATCH',
  'MASK_EMPTY',
  'MASK_FULL',
  'BAD_MASK',
  'MODEL_INVALID',
  'MODEL_MISSING',
  'CANCELLED',
  'OUT_OF_MEMORY',
  'DISK_FULL',
  'NOT_AVAILABLE',
  'OUTPUT_EXISTS',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class StudioError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'StudioError';
    this.code = code;
  }
}

/** The serialisable form of an error as it crosses IPC/HTTP. */
export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
}

export function isStudioError(e: unknown): e is StudioError {
  return e instanceof StudioError;
}

export function toWireError(e: unknown): WireError {
  if (isStudioError(e)) return { code: e.code, message: e.message };
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'INTERNAL', message };
}

export function fromWireError(w: WireError): StudioError {
  return new StudioError(w.code, w.message);
}

/** "Nothing to fill", in one wording wherever it is noticed: the renderer before sending, the service, the pipeline. */
export function maskEmptyError(): StudioError {
  return new StudioError('MASK_EMPTY', 'the mask is empty: paint over what should be removed (white = fill)');
}
