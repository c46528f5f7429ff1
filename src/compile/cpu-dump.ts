// A readable listing of a cpu program (cpu-program.ts), for debugging a lowering.
import { OPS } from '../dsl/index.js';
import { CPU_CHUNK, type CpuPass, type CpuProgram } from './cpu-program.js';

/** One line per instruction: `m = interp/tts(g, m, v4)`, `r7 = sqrt(v)`, `v16 += mean(r3)`. */
export function dumpCpuProgram(program: CpuProgram): string {
  const { slots } = program.plan.graph.signature;
  const name = (k: number): string =>
    k === 0 ? 'w' : k === 1 ? 'g' : k < program.tensors - 1 ? slots[k - 2]! : k === program.tensors - 1 ? 'update' : `r${k}`;
  const passLines = (pass: CpuPass) => [
    ...pass.fills.map((f) => `  ${name(f.register)} = broadcast v${f.node}`),
    ...pass.instructions.map((ins) => {
      const operands = ins.form === 'tensor' || ins.form === 'copy' ? ins.args.slice(0, ins.op === 'copy' ? 1 : OPS[ins.op].arity) : ins.args.slice(0, ins.form === 'tts' ? 2 : 1);
      const named = operands.map(name);
      if (ins.form === 'st') named.unshift(`v${ins.scalar}`);
      else if (ins.scalar >= 0) named.push(`v${ins.scalar}`);
      const form = ins.form === 'tensor' || ins.form === 'copy' ? '' : `/${ins.form}`;
      return `  ${name(ins.out)} = ${ins.op}${form}(${named.join(', ')})`;
    }),
    ...pass.reductions.map((r) => `  v${r.node} += ${r.op}(${(r.op === 'dot' ? r.args : r.args.slice(0, 1)).map(name).join(', ')})`),
    ...(pass.scalars.length > 0 ? [`  then ${pass.scalars.map((id) => `v${id}`).join(' ')}`] : []),
  ];
  const { outputs } = program;
  return [
    `host scalars: ${program.hostScalars.map((id) => `v${id}`).join(' ') || '-'}; ${program.buffers} chunk buffers of ${CPU_CHUNK}`,
    ...program.passes.flatMap((pass, k) => [`pass ${k + 1}:`, ...passLines(pass)]),
    'final:',
    ...passLines(program.final),
    ...outputs.copies.map((c) => `  ${name(c.to)} <- ${name(c.from)}`),
    ...(outputs.weightFrom >= 0 ? [`  w -= ${name(outputs.weightFrom)}`] : []),
  ].join('\n');
}

