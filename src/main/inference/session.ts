/**
 * Main-thread handle on an ONNX Runtime session living in a worker thread.
 * Provider selection happens in the worker: it tries each provider in order
 * and reports which one loaded and why the others did not.
 */
import { Worker } from 'node:worker_threads';
import { StudioError } from '../../shared/errors';
import { workerScriptPath } from '../workers/paths';
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

export interface SessionInfo {
  readonly provider: ExecutionProvider;
  readonly fallbacks: readonly { provider: ExecutionProvider; reason: string }[];
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
}

/** The order a laptop photographer would want: GPU first, CPU always last. */
export function defaultProviders(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): ExecutionProvider[] {
  const forced = env.INPAINT_STUDIO_PROVIDER;
  if (forced) {
    const list = forced.split(',').map((p) => p.trim()) as ExecutionProvider[];
    return list.includes('cpu') ? list : [...list, 'cpu'];
  }
  switch (platform) {
    case 'win32': return ['cuda', 'dml', 'cpu'];
    case 'darwin': return ['coreml', 'cpu'];
    default: return ['cuda', 'cpu'];
  }
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
    const init: WorkerInit = { modelPath, providers, ...(intraOpThreads ? { intraOpThreads } : {}), ...(options.spinning !== undefined ? { spinning: options.spinning } : {}) };
    const worker = new Worker(workerScriptPath('onnx'), { workerData: init });
    const first = await new Promise<FromWorker>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the inference worker exited while loading (code ${code})`)));
    }).catch((err: unknown) => {
      void worker.terminate();
      throw new StudioError('MODEL_INVALID', `the model ${modelPath} could not be loaded: ${(err as Error).message}`);
    });
    if (first.kind === 'load-failed') {
      await worker.terminate();
      const why = first.reasons.map((r) => `${r.provider}: ${r.reason}`).join('; ');
      throw new StudioError('MODEL_INVALID', `the model ${modelPath} could not be loaded (${why})`);
    }
    if (first.kind !== 'ready') {
      await worker.terminate();
      throw new Error(`unexpected first message from the inference worker: ${first.kind}`);
    }
    return new OnnxSession(worker, { provider: first.provider, fallbacks: first.fallbacks, inputs: first.inputs, outputs: first.outputs });
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
