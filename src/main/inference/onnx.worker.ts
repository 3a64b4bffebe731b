/**
 * The only module that imports onnxruntime-node (STYLE.md §3). Runs in a
 * worker thread because InferenceSession.run executes synchronously on the
 * calling thread; the main thread and the server's event loop stay free.
 */
import * as ort from 'onnxruntime-node';
import { parentPort, workerData } from 'node:worker_threads';
import type { ExecutionProvider, FromWorker, TensorData, ToWorker, ValueInfo, WorkerInit } from './protocol';
import { tidyReason } from './providers';

// Missing GPU providers are expected; the fallback reasons are reported by us, not logged by ORT.
ort.env.logLevel = 'fatal';

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);

function describe(meta: readonly ort.InferenceSession.ValueMetadata[]): ValueInfo[] {
  return meta.map((m) => m.isTensor
    ? { name: m.name, type: String(m.type), shape: m.shape.map((d) => (typeof d === 'number' || typeof d === 'string' ? d : null)) }
    : { name: m.name, type: null, shape: null });
}

async function open(): Promise<ort.InferenceSession | null> {
  const fallbacks: { provider: ExecutionProvider; reason: string }[] = [];
  for (const provider of init.providers) {
    try {
      const session = await ort.InferenceSession.create(init.modelPath, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        // A missing GPU provider is an expected fallback whose reason we report ourselves.
        logSeverityLevel: provider === 'cpu' ? 2 : 4,
        ...(init.intraOpThreads ? { intraOpNumThreads: init.intraOpThreads } : {}),
        // One graph run at a time: the nodes run in order, each using the intra-op pool.
        executionMode: 'sequential',
        interOpNumThreads: 1,
        enableCpuMemArena: true,
        enableMemPattern: true,
        ...(init.spinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
      });
      post({ kind: 'ready', provider, fallbacks, inputs: describe(session.inputMetadata), outputs: describe(session.outputMetadata) });
      return session;
    } catch (err) {
      fallbacks.push({ provider, reason: tidyReason(err instanceof Error ? err.message : String(err)) });
    }
  }
  post({ kind: 'load-failed', reasons: fallbacks });
  return null;
}

/**
 * The output's own ArrayBuffer when it holds exactly this tensor (the runtime
 * allocates a fresh one per run), so it can be transferred without a copy.
 */
function ownBuffer(data: Float32Array): Float32Array {
  return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
}

async function main(): Promise<void> {
  if (init.probe) {
    post({ kind: 'probe', probe: { version: ort.env.versions.node ?? 'unknown', backends: ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled })) } });
    return;
  }
  const session = await open();
  if (!session) return;
  port.on('message', (msg: ToWorker) => {
    if (msg.kind === 'close') {
      void session.release().finally(() => port.close());
      return;
    }
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(msg.feeds)) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    session.run(feeds, msg.outputs as string[]).then((result) => {
      const outputs: Record<string, TensorData> = {};
      const transfer: ArrayBuffer[] = [];
      for (const name of msg.outputs) {
        const t = result[name]!;
        if (t.type !== 'float32') throw new Error(`output ${name} is ${t.type}; float32 expected`);
        const data = ownBuffer(t.data as Float32Array);
        outputs[name] = { type: 'float32', data, dims: t.dims };
        transfer.push(data.buffer as ArrayBuffer);
      }
      try {
        port.postMessage({ kind: 'result', id: msg.id, outputs } satisfies FromWorker, transfer);
      } catch {
        // A runtime whose output memory cannot be transferred: send copies.
        const copies: Record<string, TensorData> = {};
        for (const [name, t] of Object.entries(outputs)) copies[name] = { ...t, data: (t.data as Float32Array).slice() };
        port.postMessage({ kind: 'result', id: msg.id, outputs: copies } satisfies FromWorker, Object.values(copies).map((t) => t.data.buffer as ArrayBuffer));
      }
    }).catch((err: unknown) => {
      post({ kind: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err) });
    });
  });
}

void main();
