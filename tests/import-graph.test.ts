// The module dependency direction of DESIGN.md: cli → (nas →) search → tasks → compile → (tensor, gpu) → dsl.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const MAY_IMPORT: Record<string, readonly string[]> = {
  dsl: [],
  gpu: ['dsl'],
  tensor: ['gpu', 'dsl'],
  compile: ['tensor', 'gpu', 'dsl'],
  tasks: ['compile', 'tensor', 'gpu', 'dsl'],
  search: ['tasks', 'compile', 'dsl'],
  nas: ['search', 'tasks', 'dsl'],
  export: ['dsl'],
  report: ['search', 'dsl'],
  'worker.ts': ['tasks', 'compile', 'tensor', 'gpu', 'dsl'],
  cli: ['nas', 'search', 'tasks', 'compile', 'tensor', 'gpu', 'dsl', 'export', 'report'],
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

it('every module imports only the modules below it', () => {
  const violations: string[] = [];
  for (const file of filesUnder('src')) {
    const module = file.split('/')[1]!;
    const allowed = MAY_IMPORT[module];
    expect(allowed, `${file}: module '${module}' is not in the dependency table`).toBeDefined();
    const source = readFileSync(file, 'utf8');
    for (const [, spec] of source.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
      const target = join(file, '..', spec!).split('/')[1]!.replace(/\.js$/, '.ts');
      if (target !== module && !allowed!.includes(target)) violations.push(`${file} imports ${spec}`);
    }
  }
  expect(violations).toEqual([]);
});
