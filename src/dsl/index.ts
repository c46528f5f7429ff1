// Public surface of the program language.
export * from './ast.js';
export * from './errors.js';
export * from './ops.js';
export { expandMacro, MACROS, type OpAlgebra } from './macros.js';
export { tokenize, type Token, type TokenKind } from './lexer.js';
export { parseProgram } from './parser.js';
export { printProgram, printExpr, printNumber } from './printer.js';
export { checkOptimizer, ROLE_PARAMS, type CheckedOptimizer, type OptimizerSignature } from './check.js';
export { parseOptimizer, parseBlock, detectDialect } from './load.js';
export {
  checkBlock,
  printWidth,
  sameWidth,
  WIDTH_NAME,
  DEFAULT_BLOCK_WIDTH,
  MAX_DCONV_TAPS,
  MAX_HEADS,
  MAX_WIDTH_MULTIPLE,
  type BlockCheckOptions,
  type BlockValue,
  type CheckedBlock,
} from './block-check.js';
export {
  buildBlockGraph,
  isParametric,
  liveOrder,
  structuralKeys,
  PARAMETRIC_KINDS,
  type BlockGraph,
  type BlockGraphNode,
  type BlockGraphOptions,
  type BlockNodeId,
  type BlockOpNode,
} from './block-graph.js';
export { evaluateBlock, type BlockDims, type BlockWeights, type WeightSource } from './block-eval.js';
export { simplifyBlock, blockGraphToProgram, widthExpr, type SimplifiedBlock } from './block-simplify.js';
export {
  blockFingerprint,
  blockShapeKey,
  blockProbeInput,
  canonicalParameterOrder,
  probeBlock,
  probeWeights,
  randomWeights,
  BLOCK_PROBE_DIMS,
} from './block-fingerprint.js';
export { blockCost, type BlockCost } from './block-cost.js';
export {
  classifyBlock,
  probeActivation,
  type ActivationClass,
  type BlockClassification,
  type FeedForwardActivation,
  type ProjectionConv,
} from './block-classify.js';
export {
  randomBlock,
  randomBlockExpr,
  DEFAULT_BLOCK_GENERATE_OPTIONS,
  type BlockGenerateOptions,
  type BlockScopeValue,
} from './block-generate.js';
export { runStep, evaluate, applyOp, broadcast, type Value, type StepInputs, type StepOutputs } from './interpret.js';
export { buildGraph, carriedSlots, reachable, GraphBuilder, type GraphNode, type NodeId, type OptimizerGraph, type Rewrite } from './graph.js';
export { EXACT_REWRITES, REASSOCIATING_REWRITES, ALL_REWRITES } from './rewrites.js';
export { simplifyOptimizer, simplifiedGraph, graphToProgram, type Simplified, type SimplifyOptions } from './simplify.js';
export { shortestFloat32, emitExpression } from './emit.js';
export { findNamedConstant, namedConstantSites, setNamedConstant, withConstantAt, type ConstantSite } from './named-constants.js';
export { oneLineSummary } from './summary.js';
export { fingerprint, fingerprintOfUpdates, fingerprintProbe, probeUpdates, compareOptimizers, type Relation } from './fingerprint.js';
export { shapeKey, type ShapeKeyOptions } from './shape-key.js';
export { Rng, type RngState } from './random.js';
export {
  randomOptimizer,
  buildOptimizer,
  randomStatement,
  scopeAt,
  DEFAULT_GENERATE_OPTIONS,
  NICE_CONSTANTS,
  normalConstant,
  niceConstant,
  mixedConstant,
  type GenerateOptions,
  type OperatorForm,
  type StatementScope,
} from './generate.js';
export {
  classifyOptimizer,
  lionConstantProblems,
  LION_BETA1_RANGE,
  LION_BETA2_RANGE,
  AGREEMENT_THRESHOLD,
  type Classification,
  type ClassifyTest,
  type ClassifyTestName,
  type LionConstants,
  type TemplateFit,
} from './classify.js';
