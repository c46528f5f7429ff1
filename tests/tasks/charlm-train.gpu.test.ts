// The charlm task on the webgpu backend agrees with its PyTorch twin (tests/tasks/charlm-agreement.ts).
import { describeGpu } from '../gpu/gpu-context.js';
import { charLmAgreement } from './charlm-agreement.js';

await describeGpu('charlm on webgpu', (gpu) => charLmAgreement('webgpu', gpu.device));
