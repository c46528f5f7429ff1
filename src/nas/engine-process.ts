// Entry of the engine process that searches every dialect: optimizers and Transformer blocks.
import { runEngineProcess } from '../search/index.js';
import { DIALECTS } from './dialects.js';

runEngineProcess(DIALECTS);
