// The lowering passes without a device: graph, macro expansion, schedule, WGSL text, host scalars, and the cpu backend.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPS, OP_NAMES, parseOptimizer, runStep, type OpSpec } from '../../src/dsl/index.js';
import {
  compileOptimizer, emitKernels, expandMacros, f32Literal, hostScalarValues, lowerOptimizer, MATH_FUNCTIONS, programGraph, schedule,
  WGSL_OPS, dumpLowering, CpuOptimizer,
} from '../../src/compile/index.js';
import { graphTimesConstant } from './graphs.js';

const DISTINCTIVE = `def zztrain(w, g, zzmomentum, zzvelocity, lr, step):
    zzbeta = 0.9
    zzmomentum = interp(g, zzmomentum, zzbeta)
    zzvelocity = interp(square(g), zzvelocity, 0.999)
    zzscale = rms(zzmomentum) / (1 - 0.999 ** step)
    zzdirection = zzmomentum / (sqrt(zzvelocity) + 1e-8)
    update = clip_by_norm(zzdirection, zzscale) * lr
    return update, zzmomentum, zzvelocity
`;

const wgslOf = (source: string, options = {}) => lowerOptimizer(parseOptimizer(source), options).kernels.map((k) => k.wgsl).join('\n');

describe('generated WGSL', () => {
  it('contains no identifier of the source program', () => {
    const wgsl = wgslOf(DISTINCTIVE, { output: 'both' });
    for (const name of ['zztrain', 'zzmomentum', 'zzvelocity', 'zzbeta', 'zzscale', 'zzdirection', 'update']) {
      expect(wgsl.toLowerCase()).not.toContain(name);
    }
  });

  it('writes every float constant as the bitcast of its float32 bits', () => {
    const wgsl = wgslOf(DISTINCTIVE);
    const withoutHex = wgsl.replace(/0x[0-9a-f]+u/g, '');
    expect(withoutHex).not.toMatch(/\d\.\d|\d\.(?!\w)|\d[eE][+-]?\d/);
    for (const value of [0.9, 0.999, 1e-8]) expect(wgsl).toContain(f32Literal(value));
    expect(f32Literal(0.9)).toBe('bitcast<f32>(0x3f666666u)');
  });

  it('makes NaN and infinite constants at run time, since WGSL rejects them in constant expressions', () => {
    expect(f32Literal(Infinity)).toBe('bitcast<f32>(0x7f800000u ^ P.mask.w)');
    expect(f32Literal(NaN)).toMatch(/^bitcast<f32>\(0x7fc00000u \^ P\.mask\.w\)$/);
    const wgsl = emitKernels(schedule(graphTimesConstant(-Infinity)), { output: 'update', workgroupSize: 64, barriers: true, vectorize: false })[0]!.wgsl;
    expect(wgsl).toContain('bitcast<f32>(0xff800000u ^ P.mask.w)');
  });

  it('guards every operand with a barrier unless told not to', () => {
    const program = 'def f(w, g, lr):\n    update = g - g\n    return update\n';
    expect(wgslOf(program)).toMatch(/oa\(v\d+\) - ob\(v\d+\)/);
    expect(wgslOf(program, { barriers: false })).toMatch(/\(v\d+ - v\d+\)/);
  });

  it('has a WGSL form for every elementwise op and every helper it calls exists', () => {
    const elementwise = OP_NAMES.filter((op) => (OPS[op] as OpSpec).kind === 'map');
    expect(Object.keys(WGSL_OPS).sort()).toEqual([...elementwise].sort());
    for (const [name, fn] of Object.entries(MATH_FUNCTIONS)) {
      for (const dep of fn.uses) expect(MATH_FUNCTIONS, `${name} uses ${dep}`).toHaveProperty(dep);
      expect(fn.wgsl).toContain(`fn ${name}(`);
    }
  });
});

describe('lowering passes', () => {
  it('expands macros into primitive ops', () => {
    const checked = parseOptimizer('def f(w, g, lr):\n    update = clip_by_norm(g, cosine_sim(g, w)) + rms(w)\n    return update\n');
    const expanded = expandMacros(programGraph(checked));
    const ops = expanded.nodes.flatMap((n) => (n.kind === 'op' ? [n.op] : []));
    expect(ops).not.toContain('rms');
    expect(ops).not.toContain('cosine_sim');
    expect(ops).not.toContain('clip_by_norm');
    expect(ops).toEqual(expect.arrayContaining(['norm', 'dot', 'mean', 'sqrt', 'min', 'div']));
  });

  it('gives a program with one norm one reduction pass: partial, final, then the fused kernels', () => {
    const program = parseOptimizer('def f(w, g, lr):\n    update = g / norm(g) * lr\n    return update\n');
    const lowered = lowerOptimizer(program);
    expect(lowered.plan.passes).toHaveLength(1);
    expect(lowered.kernels.map((k) => k.name)).toEqual(['pass1-partial', 'pass1-final', 'fused-vec4', 'fused']);
    expect(lowerOptimizer(program, { vectorize: false }).kernels.map((k) => k.name)).toEqual(['pass1-partial', 'pass1-final', 'fused']);
  });

  it('orders a reduction of a reduced value after it: two passes', () => {
    const lowered = lowerOptimizer(parseOptimizer('def f(w, g, lr):\n    u = g / norm(g)\n    update = u * mean(u - w) * lr\n    return update\n'));
    expect(lowered.plan.passes.map((p) => [p.level, p.reductions.map((r) => r.op)])).toEqual([[1, ['norm']], [2, ['mean']]]);
    expect(lowered.kernels.map((k) => k.name)).toEqual(['pass1-partial', 'pass1-final', 'pass2-partial', 'pass2-final', 'fused-vec4', 'fused']);
  });

  it('reduces independent reductions of one level together, sharing equal ones', () => {
    const lowered = lowerOptimizer(parseOptimizer('def f(w, g, lr):\n    update = g * cosine_sim(g, w) / norm(g)\n    return update\n'));
    expect(lowered.plan.passes).toHaveLength(1);
    expect(lowered.plan.passes[0]!.reductions.map((r) => r.op).sort()).toEqual(['dot', 'norm', 'norm']);
  });

  it('emits only the fused kernels for an elementwise program, reading only what it uses', () => {
    const lowered = lowerOptimizer(parseOptimizer(readFileSync('dsl/optimizers/lion.dsl', 'utf8')));
    expect(lowered.kernels.map((k) => [k.name, k.dispatch])).toEqual([['fused-vec4', 'vectors'], ['fused', 'tail']]);
    for (const kernel of lowered.kernels) {
      expect(kernel.bindings.map((b) => `${b.role}:${b.access}`)).toEqual(['params:uniform', 'w:read', 'g:read', 'slot:read_write', 'update:read_write']);
    }
    expect(lowered.kernels[0]!.wgsl).toContain('array<vec4<f32>>');
    const sgd = lowerOptimizer(parseOptimizer('def f(w, g, lr):\n    update = g * lr\n    return update\n'), { output: 'weight', vectorize: false });
    expect(sgd.kernels.map((k) => [k.name, k.dispatch])).toEqual([['fused', 'elements']]);
    expect(sgd.kernels[0]!.bindings.map((b) => `${b.role}:${b.access}`)).toEqual(['params:uniform', 'w:read_write', 'g:read']);
  });

  it('computes functions of lr and step on the host, with the interpreter\'s float32 functions', () => {
    const checked = parseOptimizer('def f(w, g, lr, step):\n    c = lr * 0.001 / (1 - 0.9 ** step)\n    update = g * c\n    return update\n');
    const plan = schedule(expandMacros(programGraph(checked)));
    const values = hostScalarValues(plan, 0.3, 7);
    const factor = [...plan.scalarSlots.keys()].map((id) => values.get(id));
    const expected = Math.fround(Math.fround(Math.fround(0.3) * Math.fround(0.001)) / Math.fround(1 - Math.fround(Math.pow(Math.fround(0.9), 7))));
    expect(factor).toEqual([expected]);
  });

  it('keeps unchanged slots unwritten, and dead ones only when asked', () => {
    const checked = parseOptimizer(readFileSync('dsl/optimizers/lion-program4.dsl', 'utf8'));
    const plan = (dropDeadState: boolean) => schedule(expandMacros(programGraph(checked)), { dropDeadState }).slotWrites.map((w) => (w.kind === 'write' ? 'write' : w.why));
    expect(plan(false)).toEqual(['write', 'write']);
    expect(plan(true)).toEqual(['dead', 'write']);
    const unchanged = parseOptimizer('def f(w, g, m, lr):\n    update = g * lr + m\n    return update, m\n');
    expect(schedule(expandMacros(programGraph(unchanged))).slotWrites).toEqual([{ kind: 'keep', why: 'unchanged' }]);
  });

  it('dumps every pass', () => {
    const text = dumpLowering(lowerOptimizer(parseOptimizer(DISTINCTIVE)));
    for (const heading of ['## graph', '## macros expanded', '## plan', '## kernel pass1-partial', '## kernel fused']) expect(text).toContain(heading);
  });
});

describe('cpu backend', () => {
  const checked = parseOptimizer(readFileSync('dsl/optimizers/adamw.dsl', 'utf8'));
  const n = 64;
  const ramp = (k: number) => Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * k)));
  const inputs = { w: ramp(1), g: ramp(2), lr: 0.1, step: 3, slots: [ramp(3), ramp(4).map(Math.abs)] };

  it("gives runStep's results behind the compiled-optimizer interface", async () => {
    const compiled = await compileOptimizer(checked, { backend: 'cpu', output: 'both' });
    if (!compiled.ok) throw new Error(compiled.reason);
    const out = await compiled.optimizer.run(inputs);
    const cpu = runStep(checked, inputs);
    expect(out.update).toEqual(cpu.update);
    expect(out.slots).toEqual(cpu.slots);
    expect(out.weight).toEqual(inputs.w.map((x, i) => x - cpu.update[i]!));
  });

  it('steps tensors in place and checks their sizes', async () => {
    const optimizer = new CpuOptimizer(lowerOptimizer(checked, { output: 'weight' }));
    const w = Float32Array.from(inputs.w);
    const slots = inputs.slots.map((s) => Float32Array.from(s));
    await optimizer.step({ n, w, g: inputs.g, slots }, inputs.lr, inputs.step);
    const cpu = runStep(checked, inputs);
    expect(slots).toEqual(cpu.slots);
    expect(w).toEqual(inputs.w.map((x, i) => x - cpu.update[i]!));
    await expect(optimizer.step({ n, w, g: inputs.g, slots: [slots[0]!] }, 0.1, 1)).rejects.toThrow(/2 state slot/);
    await expect(optimizer.step({ n: n + 1, w, g: inputs.g, slots }, 0.1, 1)).rejects.toThrow(/fewer than offset \+ n/);
  });
});
