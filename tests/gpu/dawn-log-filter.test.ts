import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DawnLogFilter } from '../../src/gpu/index.js';

const DAWN = [
  "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory",
  '    at operator() (/home/runner/work/node-webgpu/node-webgpu/third_party/dawn/src/dawn/native/vulkan/BackendVk.cpp:368)',
  '',
  'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 90 to 16 to fit dynamic offset allocation limit.',
].join('\n') + '\n';

async function filtered(chunks: readonly string[]): Promise<string> {
  const filter = new DawnLogFilter();
  let out = '';
  filter.on('data', (d: Buffer) => (out += d.toString()));
  const ended = new Promise((resolve) => filter.on('end', resolve));
  for (const c of chunks) filter.write(c);
  filter.end();
  await ended;
  return out;
}

/** Cuts a text into pieces at the given positions, as a pipe may deliver it. */
function cut(text: string, at: readonly number[]): string[] {
  const points = [...new Set(at.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let last = 0;
  for (const p of points) {
    pieces.push(text.slice(last, p));
    last = p;
  }
  pieces.push(text.slice(last));
  return pieces;
}

describe('DawnLogFilter', () => {
  it("drops Dawn's warnings and keeps the program's own lines", async () => {
    const text = `run directory: runs/x\n${DAWN}training on cpu\nWarning (ours): kept\n`;
    expect(await filtered([text])).toBe('run directory: runs/x\ntraining on cpu\nWarning (ours): kept\n');
  });

  it('gives the same output however the stream is cut into chunks', async () => {
    const text = `a progress bar\r[===>    ] 3/10\r${DAWN}\nnext line\nlast line without newline`;
    const whole = await filtered([text]);
    expect(whole).toBe('a progress bar\r[===>    ] 3/10\rnext line\nlast line without newline');
    await fc.assert(fc.asyncProperty(fc.array(fc.nat(), { maxLength: 12 }), async (at) => {
      expect(await filtered(cut(text, at))).toBe(whole);
    }));
  });

  it('passes a partial line that cannot be Dawn\'s through at once', async () => {
    const filter = new DawnLogFilter();
    const seen: string[] = [];
    filter.on('data', (d: Buffer) => seen.push(d.toString()));
    filter.write('[====    ] 4/10');
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.join('')).toBe('[====    ] 4/10');
    filter.end();
  });
});
