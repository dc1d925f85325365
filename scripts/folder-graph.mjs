// `node scripts/folder-graph.mjs`: the dependency graph between TrainDeck's own folders (main/<module>, shared,
// preload, renderer), printed as `from → to (edges)`, and a non-zero exit when two folders reach each other
// through imports (a cycle). Lint (`eslint.config.js`) says which edges are allowed; this says the allowed edges
// still form layers. Tests (`*.test.ts[x]`) and their fixtures (`testing/` folders, which lint keeps out of product
// code) are left out: they wire real adapters to engines on purpose.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { MAIN_LAYERS } from '../eslint.config.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TOP_FOLDERS = ['main', 'shared', 'preload', 'renderer'];
const SOURCE = /\.(ts|tsx|mts)$/;
const TEST = /\.test\.(ts|tsx)$/;
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]*)['"]/g;
const EXTENSIONS = ['', '.ts', '.tsx', '.mts', '/index.ts', '/index.tsx'];

/** Every source file below `dir`, relative to the repository, with `/` separators. */
function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (SOURCE.test(name) && !TEST.test(name) && !path.includes('/testing/')) out.push(path);
  }
  return out;
}

/** The folder a file belongs to: `main/<module>` below main/, else its top folder. */
export function folderOf(path) {
  const parts = path.split('/');
  return parts[0] === 'main' && parts.length > 2 ? `main/${parts[1]}` : parts[0];
}

function resolveImport(from, specifier) {
  const base = join(dirname(join(ROOT, from)), specifier);
  for (const ext of EXTENSIONS) {
    const candidate = base + ext;
    try {
      if (statSync(candidate).isFile()) return relative(ROOT, candidate).split(sep).join('/');
    } catch {
      // not this extension
    }
  }
  return undefined;
}

/** `Map<from, Map<to, [file → target]>>` over every relative import between two different folders. */
export function folderGraph() {
  const graph = new Map();
  for (const file of TOP_FOLDERS.flatMap(sourceFiles)) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const target = resolveImport(file, match[1]);
      if (!target) continue;
      const [from, to] = [folderOf(file), folderOf(target)];
      if (from === to) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      const edges = graph.get(from);
      if (!edges.has(to)) edges.set(to, []);
      edges.get(to).push(`${file} → ${target}`);
    }
  }
  return graph;
}

/** The strongly connected components with more than one folder (Tarjan): each is a cycle. */
export function cycles(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  let next = 0;
  const visit = (node) => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node)?.keys() ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node), low.get(to)));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node), index.get(to)));
    }
    if (low.get(node) !== index.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const graph = folderGraph();
  const verbose = process.argv.includes('--edges');
  for (const from of [...graph.keys()].sort()) {
    for (const [to, edges] of [...graph.get(from)].sort(([a], [b]) => a.localeCompare(b))) {
      console.log(`${from} → ${to} (${edges.length})`);
      if (verbose) for (const edge of edges) console.log(`    ${edge}`);
    }
  }
  const found = cycles(graph);
  const modules = readdirSync(join(ROOT, 'main')).filter((name) => statSync(join(ROOT, 'main', name)).isDirectory());
  const unlayered = modules.filter((name) => !(name in MAIN_LAYERS));
  for (const name of unlayered) {
    console.error(
      `main/${name} has no layer: add it to MAIN_LAYERS in eslint.config.js (and to docs/ARCHITECTURE.md).`,
    );
  }
  for (const component of found) {
    console.error(`cycle: ${component.join(' ⇄ ')}`);
    for (const a of component) {
      for (const b of component) {
        const edges = graph.get(a)?.get(b) ?? [];
        if (edges.length) {
          console.error(`  ${a} → ${b}: ${edges.slice(0, 3).join(', ')}${edges.length > 3 ? ', …' : ''}`);
        }
      }
    }
  }
  console.log(`${found.length} folder cycle${found.length === 1 ? '' : 's'}`);
  if (unlayered.length > 0) process.exitCode = 1;
  if (found.length > 0) {
    console.error('Fix: move the shared port or type to a folder both may import (see docs/ARCHITECTURE.md).');
    process.exit(1);
  }
}
