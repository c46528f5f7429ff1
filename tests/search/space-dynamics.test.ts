// The search-dynamics fields of a space file: defaults, and bad values reported with their field.
import { describe, expect, it } from 'vitest';
import { parseSpace } from '../../src/search/space.js';

const space = (fields: Record<string, unknown>) =>
  JSON.stringify({ seeds: ['dsl/optimizers/adamw.dsl'], funnel: [{ task: 'mlp-teacher', steps: 10 }], ...fields });

describe('search-dynamics fields', () => {
  it('defaults to accepting neutral children and training at the program’s own lr only', () => {
    const s = parseSpace(space({}), 'x.json');
    expect(s.mutation.neutral).toBe('accept');
    expect(s.lrFactors).toEqual([1]);
    const set = parseSpace(space({ mutation: { neutral: 'retry' }, lrFactors: [0.3, 1, 3] }), 'x.json');
    expect(set.mutation.neutral).toBe('retry');
    expect(set.lrFactors).toEqual([0.3, 1, 3]);
  });

  it.each([
    [{ mutation: { neutral: 'sometimes' } }, 'x.json: mutation.neutral: expected one of "accept", "retry", got "sometimes"'],
    [{ lrFactors: [] }, 'x.json: lrFactors: expected at least one factor'],
    [{ lrFactors: [1, 0] }, 'x.json: lrFactors[1]: expected a positive number, got 0'],
    [{ lrFactors: [1, 3, 1] }, 'x.json: lrFactors[2]: factor 1 is listed twice'],
    [{ lrFactors: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, 'x.json: lrFactors: expected at most 8 factors'],
  ])('reports %j', (fields, message) => {
    expect(() => parseSpace(space(fields), 'x.json')).toThrow(message);
  });
});
