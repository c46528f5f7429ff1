// The Primer tests of a block (ANCHORS §7.2, classifyBlock) as named pass/fail tests, for
// `symevo inspect BLOCK.dsl --classify`, a block run's leaderboard and its report.
import type { BlockClassification } from '../dsl/index.js';

export interface VerdictTest {
  readonly name: string;
  readonly pass: boolean;
  readonly detail: string;
}

/** The squared-ReLU test and the DConv-after-q/k/v test, each with what was found. */
export function blockVerdictTests(c: BlockClassification): VerdictTest[] {
  const activation = c.activations.map((a) => `${a.kind} (R² ${a.fit.toFixed(6)}) between dense #${a.fromSite} and #${a.toSite}`);
  const convs = c.attention.map((inputs, i) =>
    `attention ${i + 1}: ${inputs.map((p) => `${p.input} ${p.projected ? `offsets ${p.offsets.join(',')}${p.depthwise ? '' : ' (mixes channels)'}` : 'no projection'}`).join('; ')}`,
  );
  return [
    { name: 'squared ReLU', pass: c.squaredRelu, detail: activation.length > 0 ? activation.join('; ') : 'no activation between two dense ops' },
    {
      name: 'DConv q, k, v',
      pass: c.dconv3,
      detail: `${convs.length > 0 ? convs.join(' | ') : 'no attention'}${c.dconvOther ? ' (another width: partial)' : ''}`,
    },
  ];
}

/** "primer-like", "partial (squared ReLU)", "not primer-like": the verdict and, if partial, what passed. */
export function describeBlockVerdict(c: BlockClassification): string {
  if (c.verdict !== 'partial') return c.verdict;
  const found = [...(c.squaredRelu ? ['squared ReLU'] : []), ...(c.dconv3 ? ['DConv q, k, v'] : []), ...(c.dconvOther ? ['DConv of another width'] : [])];
  return `partial (${found.join(', ')})`;
}

/** "    pass  squared ReLU   squared-relu (R² 1.000000) ...": one line per test, names padded to the longest. */
export function verdictTestLines(tests: readonly VerdictTest[], pad = '    '): string[] {
  const width = Math.max(0, ...tests.map((t) => t.name.length));
  return tests.map((t) => `${pad}${t.pass ? 'pass' : 'FAIL'}  ${t.name.padEnd(width)}  ${t.detail}`);
}
