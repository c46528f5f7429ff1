// The charlm task on the cpu backend agrees with its PyTorch twin (tests/tasks/charlm-agreement.ts).
import { charLmAgreement } from './charlm-agreement.js';

charLmAgreement('cpu', undefined);
