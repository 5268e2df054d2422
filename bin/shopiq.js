#!/usr/bin/env node
// Entry for the `shopiq` command. Node 24 runs the TypeScript sources directly
// (type stripping); this shim only exists because npm links a .js bin.
import '../src/cli.ts';
