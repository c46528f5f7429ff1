// Picks a tensor backend by name: the cpu one at once, the webgpu one after its kernels are compiled.
import { CpuTensorBackend } from './cpu-backend.js';
import { WebGpuTensorBackend, type WebGpuBackendOptions } from './webgpu-backend.js';

export function createTensorBackend(kind: 'cpu'): Promise<CpuTensorBackend>;
export function createTensorBackend(kind: 'webgpu', device: GPUDevice, options?: WebGpuBackendOptions): Promise<WebGpuTensorBackend>;
export function createTensorBackend(
  kind: 'cpu' | 'webgpu', device?: GPUDevice, options?: WebGpuBackendOptions,
): Promise<CpuTensorBackend | WebGpuTensorBackend>;
export async function createTensorBackend(
  kind: 'cpu' | 'webgpu', device?: GPUDevice, options: WebGpuBackendOptions = {},
): Promise<CpuTensorBackend | WebGpuTensorBackend> {
  if (kind === 'cpu') return new CpuTensorBackend();
  if (device === undefined) throw new TypeError('createTensorBackend: the webgpu backend needs a GPUDevice');
  return WebGpuTensorBackend.create(device, options);
}
