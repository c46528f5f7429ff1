// Entry of the engine process for optimizer searches (the supervisor's default).
import { runEngineProcess } from './engine-process-main.js';
import { OPTIMIZER_DIALECT } from './optimizer-dialect.js';

runEngineProcess({ optimizer: OPTIMIZER_DIALECT });
