#!/usr/bin/env node
// The `flowtrail` CLI. Sources are TypeScript run through tsx, so a clone needs only
// `npm install` (no build step) before `npx flowtrail <command>`.
import { register } from 'tsx/esm/api';

register();
await import('../src/tools/cli/main.ts');
