// Watches a device for loss and uncaptured errors, so later calls fail with Dawn's message instead of hanging.
import { GpuError, type GpuErrorKind } from './errors.js';

type Rejecter = (error: GpuError) => void;

/** The state of one device: lost or not, and errors that happened outside any error scope. */
export class DeviceHealth {
  #lost: GpuError | undefined;
  #uncaptured: GpuError[] = [];
  /** Pending waits to reject if the device is lost; a Set, not promise handlers, so settled waits leave nothing behind. */
  readonly #waiting = new Set<Rejecter>();
  readonly #onLost: ((error: GpuError, reason: GPUDeviceLostReason) => void)[] = [];

  constructor(device: GPUDevice) {
    void device.lost.then((info) => this.#markLost(info));
    device.onuncapturederror = (event: GPUUncapturedErrorEvent) => {
      this.#uncaptured.push(new GpuError(kindOf(event.error), event.error.message));
    };
  }

  /** The loss, if the device is gone (destroy() included). */
  get lost(): GpuError | undefined {
    return this.#lost;
  }

  /** Runs `listener` once when the device is lost, with Dawn's reason (`destroyed` after our own destroy()). */
  onLost(listener: (error: GpuError, reason: GPUDeviceLostReason) => void): void {
    this.#onLost.push(listener);
  }

  /** Throws the device loss, else the oldest uncaptured error not yet thrown. */
  throwIfFailed(): void {
    if (this.#lost !== undefined) throw this.#lost;
    const next = this.#uncaptured.shift();
    if (next !== undefined) throw next;
  }

  /** Resolves like `promise`, but rejects with the loss if the device is lost first. */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.#lost !== undefined) return Promise.reject(this.#lost);
    return new Promise<T>((resolve, reject) => {
      const rejecter: Rejecter = (error) => reject(error);
      this.#waiting.add(rejecter);
      promise.then(
        (value) => {
          this.#waiting.delete(rejecter);
          resolve(value);
        },
        (thrown: unknown) => {
          this.#waiting.delete(rejecter);
          reject(thrown instanceof Error ? thrown : new Error(String(thrown)));
        },
      );
    });
  }

  #markLost(info: GPUDeviceLostInfo): void {
    const error = new GpuError('device-lost', `device lost (${info.reason}): ${info.message}`);
    this.#lost = error;
    for (const reject of this.#waiting) reject(error);
    this.#waiting.clear();
    for (const listener of this.#onLost) listener(error, info.reason);
  }
}

function kindOf(error: GPUError): GpuErrorKind {
  const name = error.constructor.name;
  if (name === 'GPUOutOfMemoryError') return 'out-of-memory';
  if (name === 'GPUInternalError') return 'internal';
  return 'validation';
}

const watched = new WeakMap<GPUDevice, DeviceHealth>();

/** The one DeviceHealth of `device`, installed on first use (it takes over device.onuncapturederror). */
export function watchDevice(device: GPUDevice): DeviceHealth {
  let health = watched.get(device);
  if (health === undefined) {
    health = new DeviceHealth(device);
    watched.set(device, health);
  }
  return health;
}
