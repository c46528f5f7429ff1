// Versions that affect a run's results, recorded in its config.json.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export function packageVersions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const version = (name: string) => {
    try {
      return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  const own = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return { symevo: own.version, node: process.version, webgpu: version('webgpu'), piscina: version('piscina') };
}
