// The starting point `symevo space init NAME` writes: a space file with every field spelled out and
// explained in `$comment` fields, and its seed program, which lives next to it.
import { LION_FUNCTIONS, SPACE_DEFAULTS as D } from './space-defaults.js';

/** The seed's file name, in the space file's directory (seed paths resolve from there too). */
export function seedFileName(name: string): string {
  return `${name}-seed.dsl`;
}

/** Names usable as a file name on every system: letters, digits, '.', '_' and '-', starting with a letter or digit. */
export function isSpaceName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) && !name.endsWith('.json');
}

export function spaceTemplate(name: string): string {
  const space = {
    $comment: [
      `Search space '${name}'. Every field is described in search-spaces/README.md.`,
      'Check it with: symevo space validate <this file>. Seed paths are relative to the working directory or to this file.',
      "functions: the Lion search's set; remove the ones mutation should not draw.",
    ],
    name,
    description: "A starting search space: AdamW as the seed and the baseline, the Lion search's functions, a two-stage funnel.",
    dialect: 'optimizer',
    signature: { $comment: 'State slots every program has; the inputs w, g, lr and step are fixed.', slots: [...D.slots] },
    functions: [...LION_FUNCTIONS],
    constants: {
      $comment:
        'New constants ~ N(mean, std); a mutated constant is redrawn with replaceProbability, ' +
        'else scaled by 2^N(0, scaleLog2Std); all kept within +-limit.',
      initial: { distribution: 'normal', ...D.constants.initial },
      perturb: { ...D.constants.perturb },
      limit: D.constants.limit,
    },
    maxStatements: D.maxStatements,
    seeds: [seedFileName(name)],
    baseline: seedFileName(name),
    funnel: [
      {
        $comment: 'Cheap first stage: only programs that beat the baseline here go on.',
        task: 'mlp-teacher',
        steps: 100,
        promote: { beatBaseline: true },
      },
      { $comment: 'The last stage has no promote field.', task: 'mlp-mnist', steps: 300 },
    ],
    mutation: {
      $comment: 'mode: evolve, constants-only or random.',
      mode: D.mutation.mode,
      weights: { ...D.mutation.weights },
      maxRetries: D.mutation.maxRetries,
    },
    evolution: {
      $comment: 'A small population and budget for a first run of a few minutes; raise both for a real search.',
      population: 20,
      tournamentSize: D.evolution.tournamentSize,
      budget: 200,
      batchSize: D.evolution.batchSize,
      restartAfter: D.evolution.restartAfter,
    },
    metric: { $comment: 'valLoss, valAccuracy or trainLoss.', name: D.metric, lowerIsBetter: true },
  };
  return `${oneLineLists(JSON.stringify(space, null, 2))}\n`;
}

/** Puts lists of numbers and short strings on as few lines as fit in 100 columns, as people write them. */
function oneLineLists(json: string): string {
  return json.replace(/( *)(".*": )\[\n((?:\s+(?:"[^"\n]{0,20}"|-?[\d.e+-]+),?\n)+)\s*\]/g, (list, indent: string, key: string, body: string) => {
    const items = body.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const flat = `${indent}${key}[${items.join(' ')}]`;
    if (flat.length <= 100) return flat;
    const lines: string[] = [];
    for (const item of items) {
      const last = lines.length - 1;
      if (last >= 0 && `${lines[last]} ${item}`.length <= 100) lines[last] = `${lines[last]} ${item}`;
      else lines.push(`${indent}  ${item}`);
    }
    return `${indent}${key}[\n${lines.join('\n')}\n${indent}]`;
  });
}

export function seedTemplate(name: string): string {
  return `# Seed program of the search space '${name}': AdamW (Loshchilov & Hutter, 2019) as the Lion search
# started from it, without bias correction and epsilon. Evolution starts from copies of this program.
# beta1 = 0.9 (m), beta2 = 0.999 (v), weight decay 0.01, learning-rate multiplier 0.001.
def train(w, g, m, v, lr):
    g2 = square(g)
    m = interp(g, m, 0.9)
    v = interp(g2, v, 0.999)
    sqrt_v = sqrt(v)
    update = m / sqrt_v
    wd = w * 0.01
    update = update + wd
    lr = lr * 0.001
    update = update * lr
    return update, m, v
`;
}
