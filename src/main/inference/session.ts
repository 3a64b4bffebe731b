/**
 * Main-thread handle on an ONNX Runtime session living in a worker thread.
 * Provider selection happens in the worker: it tries each provider in order
 * and reports which one loaded and why the others did not.
 */
import { Worker } from 'node:worker_threads';
import { StudioError } from '../../shared/errors';
import { workerScriptPath } from '../workers/paths';
import { defaultProviders, linuxGpuDevices, type Fallback } from './providers';
import type { ExecutionProvider, FromWorker, RuntimeProbe, TensorData, ToWorker, ValueInfo, WorkerInit } from './protocol';

/** ONNX Runtime's version and the execution providers this build of it knows. */
export async function probeRuntime(): Promise<RuntimeProbe> {
  const worker = new Worker(workerScriptPath('onnx'), { workerData: { probe: true, modelPath: '', providers: [] } });
  try {
    const m = await new Promise<FromWorker>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (m.kind !== 'probe') throw new Error(`unexpected reply ${m.kind}`);
    return m.probe;
  } finally {
    await worker.terminate();
  }
}

export { defaultProviders, explainFallback, type Fallback } from './providers';

export interface SessionInfo {
  readonly provider: ExecutionProvider;
  /** The providers tried before `provider`, in order, each with why it was not used. */
  readonly fallbacks: readonly Fallback[];
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
}

/**
 * Failures that belong to the machine and cannot change while the app runs:
 * a provider whose libraries are missing, one this build of ONNX Runtime
 * lacks. They are remembered for the life of the process, so the next model
 * load does not ask again. Everything else (no adapter, a driver reset, no
 * device) is asked again at each load: a GPU can come back.
 */
const MACHINE_FAILURE = /Failed to load shared library|cannot open shared object|backend not found/i;
const machineFailures = new Map<ExecutionProvider, string>();

/** What is known before asking the runtime: remembered failures, and WebGPU on a Linux machine with no GPU device at all (unless the user forced it). */
function knownFailures(providers: readonly ExecutionProvider[], env: NodeJS.ProcessEnv = process.env): Fallback[] {
  return providers.flatMap((p): Fallback[] => {
    if (p === 'cpu') return [];
    const reason = machineFailures.get(p);
    if (reason) return [{ provider: p, reason, remembered: true }];
    if (p === 'webgpu' && process.platform === 'linux' && !env.INPAINT_STUDIO_PROVIDER && linuxGpuDevices().length === 0) {
      return [{ provider: p, reason: 'No supported adapters: this machine has no GPU device (/dev/dri/renderD*, /dev/nvidia*, /dev/dxg)', remembered: true }];
    }
    return [];
  });
}

/** What earlier loads in this process learnt about the machine's providers (provider → reason). */
export function providerFailures(): ReadonlyMap<ExecutionProvider, string> {
  return machineFailures;
}

/** For tests: forget what earlier loads learnt about this machine's providers. */
export function forgetProviderFailures(): void {
  machineFailures.clear();
}

export class OnnxSession {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (o: Record<string, TensorData>) => void; reject: (e: Error) => void }>();
  private closed = false;

  private constructor(private readonly worker: Worker, readonly info: SessionInfo) {
    worker.on('message', (m: FromWorker) => {
      if (m.kind !== 'result' && m.kind !== 'error') return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.kind === 'result') p.resolve(m.outputs);
      else p.reject(new StudioError('MODEL_INVALID', `the model failed to run: ${m.message}`));
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', (code) => this.failAll(new Error(`the inference worker exited (code ${code})`)));
  }

  private failAll(err: Error): void {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  static async open(modelPath: string, providers: readonly ExecutionProvider[] = defaultProviders(), intraOpThreads?: number, options: { spinning?: boolean } = {}): Promise<OnnxSession> {
    const known = knownFailures(providers);
    const init: WorkerInit = { modelPath, providers: providers.filter((p) => !known.some((k) => k.provider === p)), ...(intraOpThreads ? { intraOpThreads } : {}), ...(options.spinning !== undefined ? { spinning: options.spinning } : {}) };
    const worker = new Worker(workerScriptPath('onnx'), { workerData: init });
    const first = await new Promise<FromWorker>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the inference worker exited while loading (code ${code})`)));
    }).catch((err: unknown) => {
      void worker.terminate();
      throw new StudioError('MODEL_INVALID', `the model ${modelPath} could not be loaded: ${(err as Error).message}`);
    });
    const learnt = first.kind === 'ready' ? first.fallbacks : first.kind === 'load-failed' ? first.reasons : [];
    for (const f of learnt) if (MACHINE_FAILURE.test(f.reason)) machineFailures.set(f.provider, f.reason);
    // In the caller's order, and only the providers before the one that loaded.
    const fallbacks = (tried: readonly Fallback[], upTo = providers.length) =>
      providers.slice(0, upTo).flatMap((p) => [...known, ...tried].filter((f) => f.provider === p));
    if (first.kind === 'load-failed') {
      await worker.terminate();
      const why = fallbacks(first.reasons).map((r) => `${r.provider}: ${r.reason}`).join('; ');
      throw new StudioError('MODEL_INVALID', `the model ${modelPath} could not be loaded (${why})`);
    }
    if (first.kind !== 'ready') {
      await worker.terminate();
      throw new Error(`unexpected first message from the inference worker: ${first.kind}`);
    }
    return new OnnxSession(worker, { provider: first.provider, fallbacks: fallbacks(first.fallbacks, providers.indexOf(first.provider)), inputs: first.inputs, outputs: first.outputs });
  }

  run(feeds: Record<string, TensorData>, outputs: readonly string[]): Promise<Record<string, TensorData>> {
    if (this.closed) return Promise.reject(new Error('the inference session is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const transfer = Object.values(feeds).map((t) => t.data.buffer as ArrayBuffer);
      this.worker.postMessage({ kind: 'run', id, feeds, outputs } satisfies ToWorker, transfer);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }
}
