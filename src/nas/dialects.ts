// Every dialect the engine can search, and the engine process that knows them all.
import { fileURLToPath } from 'node:url';
import { OPTIMIZER_DIALECT, type DialectTable } from '../search/index.js';
import { BLOCK_DIALECT } from './block-dialect.js';

export const DIALECTS: DialectTable = { optimizer: OPTIMIZER_DIALECT, block: BLOCK_DIALECT };

/** engine-process.ts compiled: the script the command line forks for a search of any dialect. */
export const SEARCH_ENGINE_ENTRY = fileURLToPath(new URL('../../dist/nas/engine-process.js', import.meta.url));
