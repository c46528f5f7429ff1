// Public surface of the exporters.
export { exportOptimizer, isTarget, TARGETS, TARGET_EXTENSION, type ExportOptions, type Target } from './export.js';
export { planHyperparameters, type Hyperparameter, type HyperparameterPlan, type LearningRate } from './hyperparameters.js';
export { lower, expandMacros, hoistReductions, type Lowered, type LExpr, type LStmt } from './lower.js';
export { pascalName, snakeName, camelName } from './names.js';
