#!/usr/bin/env node
// Thin launcher: the CLI is bundled into dist/bundle/ (built by `npm install` via the prepare script; tools/build.mjs).
import { main } from '../dist/bundle/main.js';

process.exitCode = await main(process.argv.slice(2));
