#!/usr/bin/env node
// Entry point of the `symevo` command: runs the compiled CLI from dist/.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
