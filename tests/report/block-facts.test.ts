// A block's facts as the reports give them: the Primer verdict (and what a partial one passed), the
// relation to dsl/blocks/, and statement counts; and an optimizer's facts unchanged by the table.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { programFacts, type ProgramFacts } from '../../src/report/index.js';

const facts = (text: string, dialect: 'block' | 'optimizer'): ProgramFacts => {
  const f = programFacts(text, dialect);
  if (typeof f === 'string') throw new Error(f);
  return f;
};
const transformer = readFileSync('dsl/blocks/transformer.dsl', 'utf8');
const primer = readFileSync('dsl/blocks/primer.dsl', 'utf8');

describe('block facts', () => {
  it('Primer is primer-like and equivalent to dsl/blocks/primer.dsl; the transformer is neither', () => {
    expect(facts(primer, 'block').relation()).toBe('primer-like; equivalent to primer');
    expect(facts(transformer, 'block').relation()).toBe('not primer-like; equivalent to transformer');
    expect(facts(primer, 'block').statements).toEqual({ before: 6, after: 3 });
  });

  it('a squared ReLU alone is partial, and says which test passed', () => {
    const squared = transformer.replace('f = relu(', 'f = square(relu(').replace('4 * width))', '4 * width)))');
    expect(squared).not.toBe(transformer);
    const f = facts(squared, 'block');
    expect(f.verdict().tests.map((t) => [t.name, t.pass])).toEqual([['squared ReLU', true], ['DConv q, k, v', false]]);
    expect(f.relation()).toBe('partial (squared ReLU); none of primer, transformer');
  });

  it('another FFN width is none of the known blocks: widths count in the shape key', () => {
    const narrow = transformer.replace('4 * width', '2 * width');
    const f = facts(narrow, 'block');
    expect(f.relation()).toBe('not primer-like; none of primer, transformer');
    expect(f.kinship().relations.map((k) => k.relation)).toEqual(['different', 'different']);
  });

  it('an optimizer is still named by its kinship, and the same text read as a block does not parse', () => {
    const adamw = readFileSync('dsl/optimizers/adamw.dsl', 'utf8');
    expect(facts(adamw, 'optimizer').relation()).toBe('equivalent to adamw');
    expect(programFacts(adamw)).toBe(programFacts(adamw, 'optimizer'));
    expect(typeof programFacts(adamw, 'block')).toBe('string');
  });
});
