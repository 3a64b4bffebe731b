/**
 * Execution providers: the order they are tried in, their names, and what a
 * failure to load one means for the photographer. Pure functions, shared by
 * the main thread and the inference worker.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { providerName } from '../../shared/devices';
import type { ExecutionProvider } from './protocol';

/**
 * The order a laptop photographer would want: the vendor's own GPU runtime
 * first (CUDA, DirectML on Windows, Core ML on macOS), then WebGPU, which
 * reaches most GPUs through the graphics driver alone, and the CPU always last.
 */
export function defaultProviders(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): ExecutionProvider[] {
  const forced = env.INPAINT_STUDIO_PROVIDER;
  if (forced) {
    const list = forced.split(',').map((p) => p.trim()) as ExecutionProvider[];
    return list.includes('cpu') ? list : [...list, 'cpu'];
  }
  switch (platform) {
    case 'win32': return ['cuda', 'dml', 'webgpu', 'cpu'];
    case 'darwin': return ['coreml', 'webgpu', 'cpu'];
    default: return ['cuda', 'webgpu', 'cpu'];
  }
}

export interface Fallback {
  readonly provider: ExecutionProvider;
  readonly reason: string;
  /** Not asked this time: an earlier load in this process (or a look at the machine's devices) already knew. */
  readonly remembered?: boolean;
}

/** One line a photographer can act on, for a provider that was not used. */
export function explainFallback(f: Fallback): string {
  const name = providerName(f.provider);
  if (/backend not found/i.test(f.reason)) return `${name}: not part of this build of ONNX Runtime`;
  if (f.provider === 'cuda' && /shared library|shared object/i.test(f.reason)) {
    return 'CUDA: not installed (for an NVIDIA GPU: its driver, CUDA 12 and cuDNN 9, then `npm run setup:cuda`)';
  }
  if (f.provider === 'cuda' && /no CUDA-capable device/i.test(f.reason)) return 'CUDA: no NVIDIA GPU found';
  if (f.provider === 'webgpu' && /Failed to get a WebGPU adapter|No supported adapters/i.test(f.reason)) {
    return 'WebGPU: no GPU the graphics driver offers (Vulkan, Direct3D 12 or Metal)';
  }
  return `${name}: ${f.reason}`;
}

/**
 * On Linux a GPU shows up as a device node (/dev/dri/renderD* for Mesa's
 * drivers, /dev/nvidia* for NVIDIA's, /dev/dxg under WSL 2) or, for NVIDIA's
 * driver before its nodes are made on first use, under
 * /proc/driver/nvidia/gpus. With none of them WebGPU has no adapter to offer;
 * asking anyway costs half a second and the graphics stack's warnings on
 * stderr, so the answer is given here.
 */
export function linuxGpuDevices(dev = '/dev', proc = '/proc'): string[] {
  const list = (dir: string) => { try { return readdirSync(dir); } catch { return []; } };
  const nvidiaGpus = path.join(proc, 'driver', 'nvidia', 'gpus');
  return [
    ...list(path.join(dev, 'dri')).filter((n) => n.startsWith('renderD')).map((n) => path.join(dev, 'dri', n)),
    ...list(dev).filter((n) => /^nvidia\d+$/.test(n) || n === 'dxg').map((n) => path.join(dev, n)),
    ...list(nvidiaGpus).map((n) => path.join(nvidiaGpus, n)),
  ];
}

/** The runtime's message without its source location and assertion text: `…/webgpu_context.cc:136 … was false. Failed to get…` → `Failed to get…`. */
export function tidyReason(message: string): string {
  // eslint-disable-next-line no-control-regex -- ANSI colour codes the runtime puts in its messages
  const first = message.split('\n')[0]!.replace(/\x1b\[[0-9;]*m/g, '');
  // The source file's path as the build machine spelt it: /onnxruntime_src/onnxruntime/…, D:\a\…\onnxruntime\…
  const location = /^\S*onnxruntime[\\/]\S+:\d+\s+/;
  const stripped = first.replace(new RegExp(`${location.source}.*?\\bwas false\\.\\s*`), '').replace(location, '');
  return (stripped || first).slice(0, 300);
}
