// Which literals of a program are hyperparameters, and what to call them in an exported optimizer.
//
// Only constants whose role is plain from the program's structure are named; every other literal
// stays a literal. The roles, checked on each statement in order (an input is `lr`, `w`, a slot or
// `step` before the program reassigns it):
//   - lr * C (or C * lr) on the input lr, when that is the program's only read of the input lr:
//     folded into the exported learning rate, lr = lr_in * C, whose default is C (symevo's
//     schedule peaks at 1). Folding is exact: the exported code receives the same float32 product.
//   - any other literal in a product with the input lr, e.g. (g * lr) * 0.1: `lr_scale`;
//   - w * C on the input weight: `weight_decay`;
//   - the third argument of interp: `beta1`, `beta2`, ... (`beta` when there is one);
//   - C ** step, when C is one of those betas (Adam's bias correction): the same name;
//   - sqrt(...) + C: `eps`;
//   - slot * C on an input slot (heavy-ball momentum): `momentum`.
// A role met twice numbers its names: weight_decay, weight_decay_2, ...
import { ROLE_PARAMS, assertNever, printExpr, type Binary, type CheckedOptimizer, type Expr, type NumberLit } from '../dsl/index.js';

export type HyperRole = 'lr_scale' | 'weight_decay' | 'beta' | 'eps' | 'momentum';

export interface Hyperparameter {
  /** snake_case name (targets may recase it). */
  readonly name: string;
  /** The program's literal value, as written; the exported code rounds it to float32. */
  readonly value: number;
  readonly role: HyperRole;
  /** The program text it came from, e.g. `interp(g, m, 0.9)`. */
  readonly site: string;
}

export interface LearningRate {
  /** True when `lr * C` was folded: the exported lr is lr_in * C. */
  readonly folded: boolean;
  /** Default of the exported lr: C when folded, else 1 (the peak of symevo's schedules). */
  readonly value: number;
  /** The folded product as written, e.g. `lr * 0.0003`. */
  readonly site?: string;
  /** The folded node, which the exported code replaces by its lr. */
  readonly node?: Binary;
}

export interface HyperparameterPlan {
  readonly lr: LearningRate;
  /** In order of first appearance. */
  readonly list: readonly Hyperparameter[];
  /** The name each hyperparameter literal becomes. */
  readonly names: ReadonlyMap<NumberLit, string>;
}

interface Site {
  readonly literal: NumberLit;
  readonly role: HyperRole | 'lr_fold' | 'beta_power';
  readonly site: Expr;
}

export function planHyperparameters(checked: CheckedOptimizer): HyperparameterPlan {
  const { sites, lrReads } = collectSites(checked);
  const foldSite = sites.find((s) => s.role === 'lr_fold');
  const fold = foldSite !== undefined && lrReads === 1 ? foldSite : undefined;

  const counts = new Map<string, number>();
  const betaCount = sites.filter((s) => s.role === 'beta').length;
  const nameFor = (role: HyperRole): string => {
    const k = (counts.get(role) ?? 0) + 1;
    counts.set(role, k);
    if (role === 'beta') return betaCount === 1 ? 'beta' : `beta${k}`;
    return k === 1 ? role : `${role}_${k}`;
  };

  const list: Hyperparameter[] = [];
  const names = new Map<NumberLit, string>();
  const add = (s: Site, role: HyperRole) => {
    if (names.has(s.literal)) return;
    const name = nameFor(role);
    names.set(s.literal, name);
    list.push({ name, value: s.literal.value, role, site: printExpr(s.site) });
  };
  for (const s of sites) {
    if (s.role === 'beta_power') continue;
    if (s.role === 'lr_fold') {
      if (s !== fold) add(s, 'lr_scale');
    } else add(s, s.role);
  }
  // C ** step takes the name of an equal beta; unmatched ones stay literals.
  for (const s of sites.filter((x) => x.role === 'beta_power')) {
    const beta = list.find((h) => h.role === 'beta' && h.value === s.literal.value);
    if (beta) names.set(s.literal, beta.name);
  }
  const lr: LearningRate = fold
    ? { folded: true, value: fold.literal.value, site: printExpr(fold.site), node: fold.site as Binary }
    : { folded: false, value: 1 };
  return { lr, list, names };
}

/** Every candidate site in statement order, and how many times the program reads its input lr. */
function collectSites(checked: CheckedOptimizer): { sites: Site[]; lrReads: number } {
  const { program, signature } = checked;
  const inputs = new Set<string>([...Object.keys(ROLE_PARAMS), ...signature.slots]);
  const slots = new Set(signature.slots);
  const sites: Site[] = [];
  let lrReads = 0;
  const isInput = (e: Expr, name: string): boolean => e.kind === 'name' && e.id === name && inputs.has(name);
  const isSlot = (e: Expr): boolean => e.kind === 'name' && slots.has(e.id) && inputs.has(e.id);
  const factors = (e: Expr): Expr[] => (e.kind === 'binary' && e.op === '*' ? [...factors(e.left), ...factors(e.right)] : [e]);

  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'number':
        return;
      case 'name':
        if (isInput(e, 'lr')) lrReads++;
        return;
      case 'negate':
        return visit(e.operand);
      case 'call':
        if (e.fn === 'interp' && e.args[2]?.kind === 'number') sites.push({ literal: e.args[2], role: 'beta', site: e });
        e.args.forEach(visit);
        return;
      case 'binary':
        binarySite(e);
        visit(e.left);
        visit(e.right);
        return;
      default:
        return assertNever(e);
    }
  };
  const binarySite = (e: Binary): void => {
    const [literal, other] = e.left.kind === 'number' ? [e.left, e.right] : e.right.kind === 'number' ? [e.right, e.left] : [];
    if (!literal || !other) return;
    if (e.op === '*') {
      if (isInput(other, 'lr')) sites.push({ literal, role: 'lr_fold', site: e });
      else if (isInput(other, 'w')) sites.push({ literal, role: 'weight_decay', site: e });
      else if (isSlot(other)) sites.push({ literal, role: 'momentum', site: e });
      else if (factors(other).some((x) => isInput(x, 'lr'))) sites.push({ literal, role: 'lr_scale', site: e });
    } else if (e.op === '+' && other.kind === 'call' && other.fn === 'sqrt') {
      sites.push({ literal, role: 'eps', site: e });
    } else if (e.op === '**' && literal === e.left && isInput(other, 'step')) {
      sites.push({ literal, role: 'beta_power', site: e });
    }
  };

  for (const stmt of program.body) {
    visit(stmt.value);
    inputs.delete(stmt.target);
  }
  program.ret.values.forEach(visit);
  return { sites, lrReads };
}
