/** The names of ONNX Runtime's execution providers as a photographer reads them; shared by the main process and the renderer. */
const PROVIDER_NAMES: Readonly<Record<string, string>> = { cuda: 'CUDA', dml: 'DirectML', webgpu: 'WebGPU', coreml: 'Core ML', cpu: 'CPU' };

/** `'dml'` → `'DirectML'`; an id without a name is shown as it is. */
export const providerName = (id: string): string => PROVIDER_NAMES[id] ?? id;
