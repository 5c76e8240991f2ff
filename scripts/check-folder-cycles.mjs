// Fails when folders import each other in a cycle (`npm run lint` runs it after
// dependency-cruiser, whose rules catch cycles between modules and imports across layers
// but not two folders of one layer that lean on each other, e.g. domain/detection ↔
// domain/instance). A folder is the directory of a file; a folder's files may import
// each other freely, and a package's entry (`<root>/index.ts`, the public surface)
// may re-export from every folder below it.
import { createRequire } from 'node:module';
import { cruise } from 'dependency-cruiser';

const ROOTS = [
  'collector/src',
  'sdk/src',
  'dashboard/lib',
  'dashboard/components',
  'dashboard/app',
];
const ENTRIES = new Set(['sdk/src/index.ts', 'sdk/src/protocol/index.ts']);
const require = createRequire(import.meta.url);
const config = require('../.dependency-cruiser.cjs');

const folderOf = (path) => path.slice(0, path.lastIndexOf('/'));
const inRoots = (path) => ROOTS.some((root) => path.startsWith(`${root}/`));

const result = await cruise(ROOTS, { ...config.options, validate: false });
const edges = new Map(); // folder → Map(folder → example "a.ts → b.ts")
for (const module of result.output.modules) {
  if (!inRoots(module.source) || ENTRIES.has(module.source)) continue;
  for (const dependency of module.dependencies) {
    const target = dependency.resolved;
    if (!inRoots(target)) continue;
    const from = folderOf(module.source);
    const to = folderOf(target);
    if (from === to) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    if (!edges.get(from).has(to)) edges.get(from).set(to, `${module.source} → ${target}`);
  }
}

// Tarjan's strongly connected components: every component of more than one folder is a cycle.
let index = 0;
const stack = [];
const state = new Map();
const cycles = [];
function visit(folder) {
  state.set(folder, { index, low: index, onStack: true });
  index += 1;
  stack.push(folder);
  for (const next of edges.get(folder)?.keys() ?? []) {
    if (!state.has(next)) {
      visit(next);
      state.get(folder).low = Math.min(state.get(folder).low, state.get(next).low);
    } else if (state.get(next).onStack) {
      state.get(folder).low = Math.min(state.get(folder).low, state.get(next).index);
    }
  }
  if (state.get(folder).low === state.get(folder).index) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      state.get(member).onStack = false;
      component.push(member);
    } while (member !== folder);
    if (component.length > 1) cycles.push(component.sort());
  }
}
for (const folder of edges.keys()) if (!state.has(folder)) visit(folder);

if (cycles.length === 0) {
  console.log(`folder cycles: none (${edges.size} folders)`);
} else {
  for (const component of cycles) {
    console.error(`folder cycle: ${component.join(' ⇄ ')}`);
    const members = new Set(component);
    for (const from of component) {
      for (const [to, example] of edges.get(from) ?? []) {
        if (members.has(to)) console.error(`  ${example}`);
      }
    }
  }
  process.exit(1);
}
