// Loading search-space files: the shipped spaces, defaults, and the exact messages for bad files and seeds.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOptimizer } from '../../src/dsl/index.js';
import { LION_FUNCTIONS, SPACE_DEFAULTS, SpaceError, loadSpace, parseSpace, validateTasks } from '../../src/search/space.js';

const dir = mkdtempSync(join(tmpdir(), 'symevo-space-'));
const write = (name: string, content: string) => {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
};
const ADAMW = 'dsl/optimizers/adamw.dsl';
const minimal = { seeds: [ADAMW], funnel: [{ task: 'mlp-teacher', steps: 100 }] };
/** A space file with the minimal fields plus `extra` (a field set to undefined is removed). */
const space = (extra: Record<string, unknown> = {}, name = 'x.json') => write(name, JSON.stringify({ ...minimal, ...extra }, null, 2));
const errorOf = (file: string): SpaceError => {
  try {
    loadSpace(file);
  } catch (err) {
    if (err instanceof SpaceError) return err;
    throw err;
  }
  throw new Error(`${file} loaded without error`);
};
const messageOf = (extra: Record<string, unknown>) => {
  const file = space(extra);
  return { file, message: errorOf(file).message };
};

describe('the shipped spaces', () => {
  it('loads lion.json: AdamW seed and baseline, the Lion functions, a three-stage funnel', () => {
    const s = loadSpace('search-spaces/lion.json');
    expect(s).toMatchObject({
      file: 'search-spaces/lion.json',
      name: 'lion',
      dialect: 'optimizer',
      slots: ['m', 'v'],
      mutation: { mode: 'evolve', weights: { insert: 1, delete: 1, modify: 1 }, maxRetries: 1000 },
      evolution: { population: 50, tournamentSize: 2 },
      metric: { name: 'valLoss', lowerIsBetter: true },
      metaValidation: { task: 'mlp-mnist' },
    });
    expect(s.functions).toEqual(LION_FUNCTIONS);
    expect(s.seeds.map((p) => p.file)).toEqual([ADAMW]);
    expect(s.baseline.file).toBe(ADAMW);
    expect(parseOptimizer(s.seeds[0]!.text, 'seed.dsl').signature.slots).toEqual(['m', 'v']);
    expect(s.funnel.map((f) => [f.task, f.steps, f.promote?.kind])).toEqual([
      ['mlp-teacher', 100, 'beatBaseline'],
      ['mlp-teacher', 1000, 'beatBaseline'],
      ['mlp-mnist', 300, undefined],
    ]);
  });

  it('loads the random and constants-only baselines with 4x the budget', () => {
    const lion = loadSpace('search-spaces/lion.json');
    for (const mode of ['random', 'constants-only'] as const) {
      const s = loadSpace(`search-spaces/${mode}.json`);
      expect(s.mutation.mode).toBe(mode);
      expect(s.evolution.budget).toBe(4 * lion.evolution.budget);
      expect({ ...s, file: '', name: '', description: '', mutation: lion.mutation, evolution: lion.evolution, seeds: [], baseline: undefined })
        .toEqual({ ...lion, file: '', name: '', description: '', seeds: [], baseline: undefined });
    }
  });
});

describe('defaults', () => {
  it('fills every optional field from SPACE_DEFAULTS and names the space after its file', () => {
    const s = loadSpace(space({}, 'my-space.json'));
    expect(s.name).toBe('my-space');
    expect(s.description).toBe('');
    expect(s.slots).toEqual(SPACE_DEFAULTS.slots);
    expect(s.functions).toEqual(SPACE_DEFAULTS.functions);
    expect(s.constants).toEqual(SPACE_DEFAULTS.constants);
    expect(s.maxStatements).toBe(SPACE_DEFAULTS.maxStatements);
    expect(s.mutation).toEqual(SPACE_DEFAULTS.mutation);
    expect(s.evolution).toEqual(SPACE_DEFAULTS.evolution);
    expect(s.metric).toEqual({ name: 'valLoss', lowerIsBetter: true });
    expect(s.metaValidation).toBeUndefined();
    expect(s.baseline).toBe(s.seeds[0]);
  });

  it('fills a partly given object field by field', () => {
    const s = loadSpace(space({ evolution: { population: 10 }, constants: { perturb: { scaleLog2Std: 2 } } }));
    expect(s.evolution).toEqual({ ...SPACE_DEFAULTS.evolution, population: 10 });
    expect(s.constants.perturb).toEqual({ replaceProbability: 0.5, scaleLog2Std: 2 });
  });

  it('promotes programs that beat the baseline from a stage that does not say', () => {
    const s = loadSpace(space({ funnel: [{ task: 'a', steps: 1 }, { task: 'b', steps: 2, promote: { topFraction: 0.5 } }, { task: 'c', steps: 3 }] }));
    expect(s.funnel.map((f) => f.promote)).toEqual([{ kind: 'beatBaseline' }, { kind: 'topFraction', fraction: 0.5 }, undefined]);
  });

  it('derives lowerIsBetter from the metric', () => {
    expect(loadSpace(space({ metric: { name: 'valAccuracy' } })).metric).toEqual({ name: 'valAccuracy', lowerIsBetter: false });
  });

  it('accepts $comment anywhere and description as a comment below the top level', () => {
    const s = loadSpace(space({ $comment: ['two', 'lines'], description: 'top', evolution: { $comment: 'c', description: 'd', budget: 7 } }));
    expect(s.description).toBe('top');
    expect(s.evolution.budget).toBe(7);
  });
});

describe('errors name the file and the field', () => {
  it.each([
    [{ evolution: { population: 'ten' } }, 'evolution.population: expected a positive integer, got "ten"'],
    [{ evolution: { population: 2.5 } }, 'evolution.population: expected a positive integer, got 2.5'],
    [{ evolution: { population: 4, tournamentSize: 5 } }, 'evolution.tournamentSize: expected at most the population (4), got 5'],
    [{ evolution: { populaton: 5 } }, 'evolution.populaton: unknown field; known fields: population, tournamentSize, budget, batchSize, restartAfter'],
    [{ seeds: undefined }, 'seeds: missing; expected a list of program paths'],
    [{ seeds: [] }, 'seeds: expected at least one seed program, got []'],
    [{ funnel: [] }, 'funnel: expected at least one stage, got []'],
    [{ funnel: [{ task: '', steps: 1 }] }, 'funnel[0].task: expected a non-empty string, got ""'],
    [{ funnel: [{ task: 'a', steps: 1, promote: { beatBaseline: true } }] }, 'funnel[0].promote: the last stage promotes nowhere; remove this field'],
    [{ funnel: [{ task: 'a', steps: 1, promote: { topFraction: 0 } }, { task: 'b', steps: 1 }] }, 'funnel[0].promote.topFraction: expected a number in (0, 1], got 0'],
    [{ funnel: [{ task: 'a', steps: 1, promote: { beatBaseline: true, threshold: 1 } }, { task: 'b', steps: 1 }] }, 'funnel[0].promote: expected exactly one of beatBaseline, topFraction, threshold'],
    [{ functions: ['add', 'sgn'] }, 'functions[1]: unknown function "sgn"; did you mean "sign"?'],
    [{ functions: ['add', 'add'] }, 'functions[1]: function "add" is listed twice'],
    [{ signature: { slots: ['m', 'lr'] } }, `signature.slots[1]: "lr" is reserved (w, g, lr and step are the optimizer's inputs)`],
    [{ signature: { slots: ['2x'] } }, 'signature.slots[0]: expected a name (letters, digits and _, not starting with a digit), got "2x"'],
    [{ constants: { perturb: { replaceProbability: 2 } } }, 'constants.perturb.replaceProbability: expected a number in [0, 1], got 2'],
    [{ mutation: { mode: 'greedy' } }, 'mutation.mode: expected one of "evolve", "constants-only", "random", got "greedy"'],
    [{ mutation: { weights: { insert: 0, delete: 0, modify: 0 } } }, 'mutation.weights: expected at least one positive weight'],
    [{ metric: { name: 'valAccuracy', lowerIsBetter: true } }, 'metric.lowerIsBetter: valAccuracy is higher-is-better; expected false or no field'],
    [{ dialect: 'blocks' }, 'dialect: expected one of "optimizer", "block", got "blocks"'],
    [{ evolution: { $comment: 3 } }, 'evolution.$comment: expected a string (a comment), got 3'],
    [{ metaValidation: { task: 'a', steps: 1, every: 1 } }, 'metaValidation.top: missing; expected a positive integer'],
  ])('%j', (extra, expected) => {
    const { file, message } = messageOf(extra);
    expect(message).toBe(`${file}: ${expected}`);
  });

  it('lists every problem, one per line', () => {
    const { file, message } = messageOf({ maxStatements: 0, extra: true });
    const lines = message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines).toContain(`${file}: maxStatements: expected a positive integer, got 0`);
    expect(lines).toContain(
      `${file}: extra: unknown field; known fields: name, description, dialect, block, signature, functions, constants, ` +
        'maxStatements, seeds, baseline, funnel, metaValidation, mutation, evolution, metric, lrFactors',
    );
  });

  it('treats a __proto__ field as an unknown field, not as a prototype', () => {
    const file = write('proto.json', `{"__proto__": {"x": 1}, "seeds": ["${ADAMW}"], "funnel": [{"task": "a", "steps": 1}]}`);
    expect(errorOf(file).message).toMatch(new RegExp(`^${file.replace(/[.*+?^$()|[\]\\]/g, '\\$&')}: __proto__: unknown field;`));
  });

  it('reports a file that is not an object, is not JSON, or is missing', () => {
    expect(errorOf(write('array.json', '[1]')).message).toBe(`${join(dir, 'array.json')}: expected an object, got [1]`);
    const bad = write('bad.json', '{\n  "seeds": ["a"],\n  "funnel": [}\n');
    expect(errorOf(bad).message).toBe(`${bad}:3:14: invalid JSON: expected a value, found '}'`);
    const twice = write('twice.json', '{\n  "seeds": [],\n  "seeds": []\n}');
    expect(errorOf(twice).message).toBe(`${twice}:3:3: invalid JSON: duplicate field "seeds"`);
    expect(errorOf(join(dir, 'none.json')).message).toBe(`${join(dir, 'none.json')}: cannot read: no such file`);
  });
});

describe('seed programs', () => {
  it('finds a seed next to the space file', () => {
    write('near/seed.dsl', 'def train(w, g, m, lr):\n    m = interp(g, m, 0.9)\n    return m * lr, m\n');
    const s = loadSpace(space({ seeds: ['seed.dsl'] }, 'near/space.json'));
    expect(s.seeds[0]!.file).toBe(join(dir, 'near/seed.dsl'));
    expect(s.seeds[0]!.source).toContain('interp(g, m, 0.9)');
  });

  it('reports a seed that does not check with its own file:line:col and a caret', () => {
    const seed = write('bad-seed.dsl', 'def train(w, g, m, lr):\n    u = sgn(g)\n    return u, m\n');
    const { file, message } = messageOf({ seeds: [ADAMW, seed] });
    expect(message).toBe(`${file}: seeds[1]: ${seed}:2:9: unknown function 'sgn'; did you mean 'sign'?\n        u = sgn(g)\n            ^`);
    expect(errorOf(file).issues[0]!.dsl?.pos).toEqual({ line: 2, col: 9 });
  });

  it('reports a state slot the space does not declare, at the parameter', () => {
    const seed = write('slot-seed.dsl', 'def train(w, g, u, lr):\n    return g * lr, u\n');
    const { file, message } = messageOf({ seeds: [seed], signature: { slots: ['m', 'v'] } });
    expect(message.split('\n')[0]).toBe(`${file}: seeds[0]: ${seed}:1:17: state slot 'u' is not among the space's slots (m, v)`);
  });

  it("reports each function and operator outside the space's functions, where it is used", () => {
    const seed = write('fn-seed.dsl', 'def train(w, g, m, lr):\n    m = interp(g, m, 0.9)\n    return sign(m) * lr, m\n');
    const { file, message } = messageOf({ seeds: [seed], functions: ['interp'] });
    const firstLines = message.split('\n').filter((l) => l.startsWith(file));
    expect(firstLines).toEqual([
      `${file}: seeds[0]: ${seed}:3:12: function 'sign' is not among the space's functions`,
      `${file}: seeds[0]: ${seed}:3:20: operator '*' (mul) is not among the space's functions`,
    ]);
  });

  it('accepts a seed with fewer slots than the space', () => {
    const seed = write('sgd-seed.dsl', 'def train(w, g, lr):\n    return g * lr\n');
    expect(parseOptimizer(loadSpace(space({ seeds: [seed] })).seeds[0]!.text, 'seed.dsl').signature.slots).toEqual([]);
  });

  it('reports a missing seed and a baseline that does not parse', () => {
    const baseline = write('bad-baseline.dsl', 'def train(w, g, lr):\n    return (g\n');
    const { file, message } = messageOf({ seeds: ['nowhere.dsl'], baseline });
    const lines = message.split('\n');
    expect(lines[0]).toBe(
      `${file}: seeds[0]: no such file "nowhere.dsl" (looked from the working directory, the space file and the symevo package)`,
    );
    expect(lines[1]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: baseline: ${baseline.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: `));
  });

  it('parses a space from text with parseSpace', () => {
    expect(parseSpace(JSON.stringify(minimal), 'inline.json').name).toBe('inline');
  });
});

describe('validateTasks', () => {
  it('names each unknown task with the known ones', () => {
    const s = loadSpace(space({ funnel: [{ task: 'mlp-teacher', steps: 1 }, { task: 'x', steps: 2 }], metaValidation: { task: 'y', steps: 1, every: 1, top: 1 } }));
    expect(() => validateTasks(s, ['mlp-teacher', 'mlp-mnist'])).toThrow(
      `${s.file}: funnel[1].task: unknown task "x" (known: mlp-teacher, mlp-mnist)\n` +
        `${s.file}: metaValidation.task: unknown task "y" (known: mlp-teacher, mlp-mnist)`,
    );
    expect(() => validateTasks(loadSpace('search-spaces/lion.json'), ['mlp-teacher', 'mlp-mnist'])).not.toThrow();
  });
});
