/**
 * Resumable, sharded sampling of an unconditional model through the shipped
 * path (the TypeScript sampler + the ONNX Runtime worker), for the Task 1
 * evaluation. Bundled and started by scripts/sample-fmnist.mjs.
 *
 * Sample i (0-based, over the whole run) always uses seed `seed + i`, so a
 * shard's content does not depend on the shard size or on restarts. Shard k
 * holds samples [k·B, (k+1)·B) as uint8 NCHW .npy; it is written to a
 * temporary name and renamed, and existing shards are skipped. meta.json
 * records the settings; a restart with different settings is refused.
 *
 * With --task-source/--task-mask (float32 .npy, [M, C, H, W] and
 * [M, 1, H, W], mask 1 = hole), row i of the task is inpainted with the
 * known region replaced (RePaint's conditioning) instead of sampled freely.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadModel, readManifest } from '../src/main/inference/models';
import { sample, SeededNoise, type Shape } from '../src/main/diffusion/sampler';

interface Npy { readonly dtype: string; readonly shape: number[]; readonly data: Buffer }

function readNpy(file: string): Npy {
  const b = readFileSync(file);
  if (b.subarray(0, 6).toString('latin1') !== '\x93NUMPY') throw new Error(`${file} is not a .npy file`);
  const major = b[6]!;
  const headerLen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = b.subarray(start, start + headerLen).toString('latin1');
  const dtype = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!dtype || shapeText === undefined) throw new Error(`${file}: cannot parse the .npy header ${header}`);
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${file}: Fortran-ordered arrays are not supported`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  return { dtype, shape, data: b.subarray(start + headerLen) };
}

function float32Of(npy: Npy, file: string): Float32Array {
  if (npy.dtype !== '<f4') throw new Error(`${file}: expected little-endian float32 ('<f4'), got '${npy.dtype}'`);
  const copy = Buffer.from(npy.data);
  return new Float32Array(copy.buffer, copy.byteOffset, copy.length / 4);
}

function writeNpyU8(file: string, data: Uint8Array, shape: readonly number[]): void {
  let header = `{'descr': '|u1', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.length)]));
  renameSync(tmp, file);
}

/** [−1, 1] floats to uint8 the way the Python side does: round((clamp(x) + 1)·127.5). */
function toU8(x: Float32Array): Uint8Array {
  const out = new Uint8Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.round((Math.min(1, Math.max(-1, x[i]!)) + 1) * 127.5);
  return out;
}

function fileHash(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'model-dir': { type: 'string' },
      method: { type: 'string', default: 'ddim' },
      steps: { type: 'string', default: 'ddim50' },
      eta: { type: 'string', default: '0' },
      n: { type: 'string' },
      'shard-size': { type: 'string', default: '250' },
      seed: { type: 'string', default: '0' },
      out: { type: 'string' },
      'task-source': { type: 'string' },
      'task-mask': { type: 'string' },
      'jump-length': { type: 'string', default: '10' },
      'jump-n-sample': { type: 'string', default: '1' },
      threads: { type: 'string', default: '2' },
      'max-shards': { type: 'string' },
    },
  });
  const need = (k: keyof typeof values): string => {
    const v = values[k];
    if (typeof v !== 'string') throw new Error(`--${k} is required`);
    return v;
  };
  const int = (k: keyof typeof values, min: number): number => {
    const v = Number(need(k));
    if (!Number.isInteger(v) || v < min) throw new Error(`--${k} must be an integer >= ${min}, got ${String(values[k])}`);
    return v;
  };
  const modelDir = path.resolve(need('model-dir'));
  const out = path.resolve(need('out'));
  const method = need('method');
  if (method !== 'ddim' && method !== 'ddpm' && method !== 'repaint') throw new Error(`--method must be ddim, ddpm or repaint, got ${method}`);
  const eta = Number(need('eta'));
  if (!(eta >= 0 && eta <= 1)) throw new Error(`--eta must be in [0, 1], got ${String(values.eta)}`);
  const shardSize = int('shard-size', 1);
  const seed = int('seed', 0);
  const jumpLength = int('jump-length', 1);
  const jumpNSample = int('jump-n-sample', 1);
  const threads = int('threads', 1);
  const maxShards = values['max-shards'] !== undefined ? int('max-shards', 1) : Infinity;

  const manifest = await readManifest(modelDir);
  const c = manifest.channels, h = manifest.resolution, w = manifest.resolution;
  if (manifest.kind !== 'unconditional') throw new Error(`${manifest.id} is ${manifest.kind}; this driver samples unconditional models`);

  let task: { source: Float32Array; mask: Float32Array; hash: string } | null = null;
  let n: number;
  if (values['task-source'] || values['task-mask']) {
    const srcFile = path.resolve(need('task-source'));
    const maskFile = path.resolve(need('task-mask'));
    const src = readNpy(srcFile);
    const mask = readNpy(maskFile);
    const m = src.shape[0]!;
    if (src.shape.join() !== [m, c, h, w].join()) throw new Error(`--task-source is [${src.shape.join(', ')}], expected [M, ${c}, ${h}, ${w}]`);
    if (mask.shape.join() !== [m, 1, h, w].join()) throw new Error(`--task-mask is [${mask.shape.join(', ')}], expected [${m}, 1, ${h}, ${w}]`);
    task = { source: float32Of(src, srcFile), mask: float32Of(mask, maskFile), hash: `${fileHash(srcFile)}:${fileHash(maskFile)}` };
    n = values.n !== undefined ? Math.min(int('n', 1), m) : m;
  } else {
    n = int('n', 1);
  }

  const meta = {
    model: manifest.id, modelSha256: manifest.sha256, schedule: manifest.schedule.type, method, steps: need('steps'), eta,
    n, shardSize, seed, jumpLength, jumpNSample, task: task?.hash ?? null, sampleLayout: 'uint8 [B, C, H, W], round((clamp(x, -1, 1) + 1) * 127.5)',
  };
  mkdirSync(out, { recursive: true });
  const metaFile = path.join(out, 'meta.json');
  if (existsSync(metaFile)) {
    const old = JSON.parse(readFileSync(metaFile, 'utf8')) as Record<string, unknown>;
    const differs = Object.entries(meta).filter(([k, v]) => JSON.stringify(old[k]) !== JSON.stringify(v)).map(([k]) => k);
    if (differs.length) throw new Error(`${out} holds shards made with other settings (${differs.join(', ')} differ); use another --out or delete it`);
  } else {
    writeFileSync(metaFile, JSON.stringify(meta, null, 1) + '\n');
  }

  const shards = Math.ceil(n / shardSize);
  const todo = Array.from({ length: shards }, (_, k) => k).filter((k) => !existsSync(path.join(out, `shard-${String(k).padStart(5, '0')}.npy`)));
  console.log(`${manifest.id} ${method} ${meta.steps}: ${n} samples in ${shards} shards of ${shardSize}; ${shards - todo.length} done, ${todo.length} to go`);
  if (todo.length === 0) return;

  const model = await loadModel({ dir: modelDir, manifest }, { providers: ['cpu'], threads });
  const diffusion = model.diffusion.respaced(meta.steps);
  let calls = 0;
  let made = 0;
  const denoise = async (x: Float32Array, t: Float32Array, s: Shape): Promise<Float32Array> => { calls++; return model.denoise(x, t, s); };
  try {
    for (const k of todo.slice(0, Number.isFinite(maxShards) ? maxShards : undefined)) {
      const first = k * shardSize;
      const b = Math.min(shardSize, n - first);
      const shape: Shape = [b, c, h, w];
      const per = c * h * w;
      const t0 = performance.now();
      calls = 0;
      const x = await sample({
        diffusion, denoise, noise: new SeededNoise(seed + first, shape), shape, method, eta, jumpLength, jumpNSample,
        ...(task ? {
          conditioning: 'replace' as const,
          task: { source: task.source.slice(first * per, (first + b) * per), mask: task.mask.slice(first * h * w, (first + b) * h * w) },
        } : {}),
      });
      const ms = performance.now() - t0;
      writeNpyU8(path.join(out, `shard-${String(k).padStart(5, '0')}.npy`), toU8(x), shape);
      made++;
      console.log(JSON.stringify({ shard: k, samples: b, networkCalls: calls, seconds: +(ms / 1000).toFixed(2), msPerSampleCall: +(ms / (b * calls)).toFixed(3) }));
    }
  } finally {
    await model.close();
  }
  console.log(`wrote ${made} shard(s) to ${out}`);
}

main().catch((err: unknown) => {
  console.error((err as Error).message ?? err);
  process.exit(1);
});
