import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { linuxGpuDevices, tidyReason } from './providers';

describe('provider failure reasons', () => {
  it('drops the runtime source location and assertion text, keeping what went wrong', () => {
    const raw = '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(const onnxruntime::webgpu::WebGpuContextConfig&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters\nmore';
    expect(tidyReason(raw)).toBe('Failed to get a WebGPU adapter: No supported adapters');
    expect(tidyReason('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library\u001b[1;31m2026-12-06 [E:onnxruntime]'))
      .toBe('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library2026-12-06 [E:onnxruntime]');
    expect(tidyReason('no available backend found. ERR: [dml] backend not found.')).toBe('no available backend found. ERR: [dml] backend not found.');
    expect(tidyReason('x'.repeat(400))).toHaveLength(300);
    // A Windows build machine's path.
    expect(tidyReason('D:\\a\\_work\\1\\s\\onnxruntime\\core\\providers\\webgpu\\webgpu_context.cc:136 onnxruntime::webgpu::Init adapter_result.status == Success was false. Failed to get a WebGPU adapter: No supported adapters'))
      .toBe('Failed to get a WebGPU adapter: No supported adapters');
  });
});

describe('GPU device nodes on Linux', () => {
  const dev = mkdtempSync(path.join(os.tmpdir(), 'dev-'));
  afterAll(() => rmSync(dev, { recursive: true, force: true }));

  it('finds render nodes and NVIDIA devices, and nothing on a machine without them', () => {
    expect(linuxGpuDevices(dev, path.join(dev, 'no-proc'))).toEqual([]);
    mkdirSync(path.join(dev, 'dri'));
    writeFileSync(path.join(dev, 'dri', 'card0'), '');
    writeFileSync(path.join(dev, 'nvidiactl'), '');
    expect(linuxGpuDevices(dev, path.join(dev, 'no-proc'))).toEqual([]); // a display card node or the control device alone runs no compute
    writeFileSync(path.join(dev, 'dri', 'renderD128'), '');
    writeFileSync(path.join(dev, 'nvidia0'), '');
    writeFileSync(path.join(dev, 'dxg'), ''); // WSL 2
    expect(linuxGpuDevices(dev, path.join(dev, 'no-proc')).sort()).toEqual([path.join(dev, 'dri', 'renderD128'), path.join(dev, 'nvidia0'), path.join(dev, 'dxg')].sort());
  });

  it('counts an NVIDIA GPU the driver knows before its device nodes are made', () => {
    const bare = mkdtempSync(path.join(dev, 'bare-'));
    const proc = mkdtempSync(path.join(dev, 'proc-'));
    expect(linuxGpuDevices(bare, proc)).toEqual([]);
    mkdirSync(path.join(proc, 'driver', 'nvidia', 'gpus', '0000:01:00.0'), { recursive: true });
    expect(linuxGpuDevices(bare, proc)).toEqual([path.join(proc, 'driver', 'nvidia', 'gpus', '0000:01:00.0')]);
  });
});
