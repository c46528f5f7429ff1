// Block program → a Transformer block over the tape: its parameters (one set per dense, layer_norm
// and dconv call site, in source order) and its forward pass as tensor ops.
//
// The result has the shape of the tasks' TransformerBlock (name, parameters(size), forward(tape, x,
// params, context)); it is declared here structurally because compile sits below tasks. Weights start
// as the twin's: dense W = U()/√fan_in from the task's init stream in call-site order (so a block
// written as the twin's draws the twin's numbers), biases 0, LayerNorm gain 1 and bias 0, dconv taps
// [1, 0, 0, …] per channel (the identity).
import {
  assertNever,
  BLOCK_OPS,
  buildBlockGraph,
  isParametric,
  liveOrder,
  type BlockMapOpName,
  type BlockOpNode,
  type BlockOpSpec,
  type CheckedBlock,
} from '../dsl/index.js';
import type { Tape, TapeNode } from '../tensor/index.js';

/** How a block tensor starts (the tasks' TensorInit). */
export type BlockTensorInit =
  | { readonly kind: 'uniform'; readonly scale?: number }
  | { readonly kind: 'zeros' }
  | { readonly kind: 'ones' }
  | { readonly kind: 'identity-taps' };

export interface BlockTensor {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  readonly init: BlockTensorInit;
}

export interface LoweredBlock {
  readonly name: string;
  parameters(size: { readonly width: number }): readonly BlockTensor[];
  forward<S>(tape: Tape<S>, x: TapeNode<S>, params: ReadonlyMap<string, TapeNode<S>>, context: { readonly size: { readonly width: number }; readonly seq: number }): TapeNode<S>;
}

/** A parametric op's tensors, named by call site: dense `d0.W`, `d0.b`; LayerNorm `ln1.g`, `ln1.b`; dconv `c2`. */
function siteTensors(n: BlockOpNode, inFeatures: number, width: number): BlockTensor[] {
  const out = Math.round(n.width * width);
  const site = n.site!;
  switch (n.op) {
    case 'dense':
      return [
        { name: `d${site}.W`, rows: inFeatures, cols: out, init: { kind: 'uniform' } },
        { name: `d${site}.b`, rows: 1, cols: out, init: { kind: 'zeros' } },
      ];
    case 'layer_norm':
      return [
        { name: `ln${site}.g`, rows: 1, cols: out, init: { kind: 'ones' } },
        { name: `ln${site}.b`, rows: 1, cols: out, init: { kind: 'zeros' } },
      ];
    case 'dconv':
      return [{ name: `c${site}`, rows: n.attr!, cols: out, init: { kind: 'identity-taps' } }];
    default:
      throw new Error(`${n.op} has no parameters`);
  }
}

/** Lowers a checked block; `name` labels it in logs. */
export function lowerBlock(checked: CheckedBlock, name: string = checked.program.name): LoweredBlock {
  const graph = buildBlockGraph(checked);
  const order = liveOrder(graph);
  const sites = order
    .map((id) => graph.nodes[id]!)
    .filter(isParametric)
    .sort((a, b) => a.site! - b.site!);
  const inputWidth = (n: BlockOpNode) => {
    const arg = graph.nodes[n.args[0]!]!;
    return arg.kind === 'op' ? arg.width : 1;
  };
  return {
    name,
    parameters({ width }) {
      const all = sites.flatMap((n) => siteTensors(n, Math.round(inputWidth(n) * width), width));
      // Uniform tensors first, in call-site order: the order they draw from the init stream.
      return [...all.filter((t) => t.init.kind === 'uniform'), ...all.filter((t) => t.init.kind !== 'uniform')];
    },
    forward<S>(tape: Tape<S>, x: TapeNode<S>, params: ReadonlyMap<string, TapeNode<S>>, { seq }: { seq: number }): TapeNode<S> {
      const get = (key: string) => {
        const node = params.get(key);
        if (node === undefined) throw new RangeError(`block parameter '${key}' is missing`);
        return node;
      };
      const values = new Map<number, TapeNode<S> | number>();
      for (const id of order) {
        const n = graph.nodes[id]!;
        if (n.kind === 'input') values.set(id, x);
        else if (n.kind === 'const') values.set(id, n.value);
        else values.set(id, lowerOp(tape, n, n.args.map((a) => values.get(a)!), get, seq));
      }
      const out = values.get(graph.output)!;
      if (typeof out === 'number') throw new Error('a block returns activations');
      return out;
    },
  };
}

type Arg<S> = TapeNode<S> | number;

function lowerOp<S>(tape: Tape<S>, n: BlockOpNode, args: readonly Arg<S>[], get: (key: string) => TapeNode<S>, seq: number): TapeNode<S> {
  const spec: BlockOpSpec = BLOCK_OPS[n.op];
  const site = n.site;
  switch (spec.kind) {
    case 'dense':
      return tape.addBias(tape.matmul(tensor(args[0]!), get(`d${site}.W`)), get(`d${site}.b`));
    case 'layer_norm':
      return tape.layerNorm(tensor(args[0]!), get(`ln${site}.g`), get(`ln${site}.b`));
    case 'dconv':
      return tape.dconv(tensor(args[0]!), get(`c${site}`), { seq });
    case 'attention':
      return tape.attention(tensor(args[0]!), tensor(args[1]!), tensor(args[2]!), { heads: n.attr!, seq });
    case 'map':
      return lowerMap(tape, n.op as BlockMapOpName, args);
    default:
      return assertNever(spec.kind);
  }
}

function tensor<S>(a: Arg<S>): TapeNode<S> {
  if (typeof a === 'number') throw new Error('expected activations, got a constant');
  return a;
}

/** Elementwise ops from the tape's add, mul, scale and activations; a shift by a constant adds a constant bias row. */
function lowerMap<S>(tape: Tape<S>, op: BlockMapOpName, args: readonly Arg<S>[]): TapeNode<S> {
  const [a, b] = args as [Arg<S>, Arg<S> | undefined];
  const neg = (x: TapeNode<S>) => tape.scale(x, -1);
  const shift = (x: TapeNode<S>, c: number): TapeNode<S> => {
    const backend = tape.backend;
    const row = backend.empty(1, 1, x.value.cols);
    backend.write(row.storage, row.offset, new Float32Array(x.value.cols).fill(c));
    return tape.addBias(x, tape.constant(row));
  };
  const relu = (x: TapeNode<S>) => tape.activation('relu', x);
  // max(a, b) = a + relu(b − a), min(a, b) = a − relu(a − b); with a constant c: max(a, c) = relu(a − c) + c.
  const max = (): TapeNode<S> => (typeof b === 'number' ? shift(relu(shift(tensor(a), -b)), b) : tape.add(tensor(a), relu(tape.add(b!, neg(tensor(a))))));
  const min = (): TapeNode<S> => (typeof b === 'number' ? shift(neg(relu(shift(neg(tensor(a)), b))), b) : tape.add(tensor(a), neg(relu(tape.add(tensor(a), neg(b!))))));
  const table = {
    add: () => (typeof b === 'number' ? shift(tensor(a), b) : typeof a === 'number' ? shift(b!, a) : tape.add(a, b!)),
    sub: () => (typeof b === 'number' ? shift(tensor(a), -b) : typeof a === 'number' ? shift(neg(b!), a) : tape.add(a, neg(b!))),
    mul: () => (typeof b === 'number' ? tape.scale(tensor(a), b) : typeof a === 'number' ? tape.scale(b!, a) : tape.mul(a, b!)),
    div: () => tape.scale(tensor(a), 1 / (b as number)),
    negative: () => neg(tensor(a)),
    max,
    min,
    relu: () => relu(tensor(a)),
    gelu: () => tape.activation('gelu', tensor(a)),
    square: () => tape.activation('square', tensor(a)),
    sigmoid: () => tape.activation('sigmoid', tensor(a)),
    tanh: () => tape.activation('tanh', tensor(a)),
    // |a| = relu(a) + relu(−a)
    abs: () => tape.add(relu(tensor(a)), relu(neg(tensor(a)))),
  } satisfies Record<BlockMapOpName, () => TapeNode<S>>;
  return table[op]();
}
