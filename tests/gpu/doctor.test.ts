// doctorReport lists every backend Dawn was asked about, the chosen adapter with its feature level and limits, and a passing smoke test.
import { expect, it } from 'vitest';
import { doctorReport } from '../../src/gpu/index.js';
import { describeGpu } from './gpu-context.js';

await describeGpu('doctorReport', () => {
  it('lists an adapter with feature level and limits, and which one auto takes', async () => {
    const report = await doctorReport();
    expect(report.node).toBe(process.version);
    expect(report.webgpuPackage.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(report.adapters.map((entry) => entry.route)).toEqual(expect.arrayContaining(['vulkan', 'opengles', 'default']));
    const chosen = report.adapters.find((entry) => entry.status === 'chosen');
    expect(chosen?.adapter?.featureLevel).toMatch(/^(core|compatibility)$/);
    expect(chosen?.adapter?.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(chosen?.adapter?.limits.maxComputeWorkgroupsPerDimension).toBeGreaterThanOrEqual(65535);
    expect(report.choice?.route).toBe(chosen?.route);
    expect(report.smokeTest).toMatchObject({ ok: true });
    for (const entry of report.adapters) expect(entry.note.length).toBeGreaterThan(0);
    // One JSON document: nothing in the report that JSON cannot carry.
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});
