/** Messages between the main thread and the ONNX Runtime worker. */

export type ExecutionProvider = 'cuda' | 'dml' | 'webgpu' | 'coreml' | 'cpu';

export interface TensorData {
  readonly type: 'float32' | 'int64';
  readonly data: Float32Array | BigInt64Array;
  readonly dims: readonly number[];
}

export interface ValueInfo {
  readonly name: string;
  readonly type: string | null;
  /** Symbolic dimensions are strings; unknown are null. */
  readonly shape: readonly (number | string | null)[] | null;
}

export interface RuntimeProbe {
  readonly version: string;
  readonly backends: readonly { readonly name: string; readonly bundled: boolean }[];
}

export interface WorkerInit {
  /** Only report the runtime's version and backends, then exit. */
  readonly probe?: boolean;
  readonly modelPath: string;
  /** Providers to try in order; the first that loads is used. */
  readonly providers: readonly ExecutionProvider[];
  readonly intraOpThreads?: number;
  /** Whether idle intra-op threads spin between parallel sections (ONNX Runtime's default: yes). */
  readonly spinning?: boolean;
}

export type ToWorker =
  | { readonly kind: 'run'; readonly id: number; readonly feeds: Record<string, TensorData>; readonly outputs: readonly string[] }
  | { readonly kind: 'close' };

export type FromWorker =
  | { readonly kind: 'ready'; readonly provider: ExecutionProvider; readonly fallbacks: readonly { provider: ExecutionProvider; reason: string }[]; readonly inputs: readonly ValueInfo[]; readonly outputs: readonly ValueInfo[] }
  | { readonly kind: 'probe'; readonly probe: RuntimeProbe }
  | { readonly kind: 'load-failed'; readonly reasons: readonly { provider: ExecutionProvider; reason: string }[] }
  | { readonly kind: 'result'; readonly id: number; readonly outputs: Record<string, TensorData> }
  | { readonly kind: 'error'; readonly id: number; readonly message: string };
