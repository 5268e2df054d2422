#!/usr/bin/env node
// Entry for the `shopiq` command. Node 24 runs the TypeScript sources directly (type
// stripping), so there is no build step; older Node gets a clear message instead.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  process.stderr.write(
    `shopiq: Node.js 24 is required (this is ${process.version}). Run it through npm, which puts the project's Node 24 first: npm start, or npx shopiq <command>.\n`,
  );
  process.exit(1);
}
await import('../src/cli.ts');
