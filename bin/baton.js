#!/usr/bin/env node
// The `baton` command. Baton runs its TypeScript sources through tsx, so `npm install` is the whole build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
