/**
 * Where a job's long-lived planes are allocated: this thread's heap, or
 * shared memory that every worker of a guided batch reads without a copy
 * (a prepared job's pyramid and level maps are read-only once built).
 */
export interface PlaneAllocator {
  uint8(length: number): Uint8Array;
  uint16(length: number): Uint16Array;
  int32(length: number): Int32Array;
  float32(length: number): Float32Array;
}

export const HEAP_PLANES: PlaneAllocator = {
  uint8: (n) => new Uint8Array(n),
  uint16: (n) => new Uint16Array(n),
  int32: (n) => new Int32Array(n),
  float32: (n) => new Float32Array(n),
};

export const SHARED_PLANES: PlaneAllocator = {
  uint8: (n) => new Uint8Array(new SharedArrayBuffer(n)),
  uint16: (n) => new Uint16Array(new SharedArrayBuffer(2 * n)),
  int32: (n) => new Int32Array(new SharedArrayBuffer(4 * n)),
  float32: (n) => new Float32Array(new SharedArrayBuffer(4 * n)),
};

/** True when the view lives in shared memory (posting it shares, never copies). */
export function isShared(view: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && view.buffer instanceof SharedArrayBuffer;
}
