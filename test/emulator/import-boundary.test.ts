// The emulator and the replay ship in the package (src/emulator, compiled to lib/emulator), and
// two rules keep them apart from the library:
// - nothing else in src/ imports them: the constructs, the handlers, the monitor and the commands
//   would otherwise carry a test rig into every stack and bundle. The one exception: the commands
//   may import the emulator's types (`import type`, erased when compiled), because `replay` loads
//   the compiled emulator from the installed package at run time;
// - they import only Node.js built-ins and each other, so lib/emulator runs from an installed
//   package with no dependency of its own; types of the library's own files (`import type`, erased
//   when compiled) are the one exception, so the replay's results share the library's shapes.
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.resolve(__dirname, '..', '..', 'src');
const EMULATOR = path.join(SRC, 'emulator');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every module specifier of `import … from`, `export … from`, `import(…)` and `require(…)`. */
export function specifiersOf(code: string): string[] {
  const found: string[] = [];
  for (const pattern of [/^(?:import|export)\b[^;'"]*?\bfrom\s+['"]([^'"]+)['"]/gm, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g, /^\s*import\s+['"]([^'"]+)['"]/gm]) {
    for (const match of code.matchAll(pattern)) found.push(match[1]);
  }
  return found;
}

/** The specifiers of `import type … from`, which carry no code. */
export function typeOnlySpecifiersOf(code: string): string[] {
  return [...code.matchAll(/^import\s+type\b[^;'"]*?\bfrom\s+['"]([^'"]+)['"]/gm)].map((match) => match[1]);
}

const CLI = path.join(SRC, 'cli');

function intoEmulator(file: string, specifier: string): boolean {
  if (!specifier.startsWith('.')) return false;
  const target = path.resolve(path.dirname(file), specifier);
  return target === EMULATOR || target.startsWith(EMULATOR + path.sep);
}

test('nothing in src/ outside src/emulator imports the emulator', () => {
  const offenders = sourceFiles(SRC).filter((file) => !file.startsWith(EMULATOR + path.sep)).flatMap((file) => {
    const code = fs.readFileSync(file, 'utf8');
    const allowed = file.startsWith(CLI + path.sep) ? typeOnlySpecifiersOf(code) : [];
    const imports = specifiersOf(code);
    for (const typeOnly of allowed) imports.splice(imports.indexOf(typeOnly), 1);
    return imports.filter((s) => intoEmulator(file, s)).map((s) => `${path.relative(SRC, file)} imports ${s}`);
  });
  expect(offenders).toEqual([]);
});

/** Whether `specifier` of `file` is one of the library's own source files. */
function intoSrc(file: string, specifier: string): boolean {
  return specifier.startsWith('.') && path.resolve(path.dirname(file), specifier).startsWith(SRC + path.sep);
}

test('the emulator imports only Node.js built-ins and its own files (and types of the library\'s)', () => {
  const emulatorFiles = sourceFiles(EMULATOR);
  expect(emulatorFiles.length).toBeGreaterThan(20);
  const offenders = emulatorFiles.flatMap((file) => {
    const code = fs.readFileSync(file, 'utf8');
    const imports = specifiersOf(code);
    for (const typeOnly of typeOnlySpecifiersOf(code).filter((s) => intoSrc(file, s))) imports.splice(imports.indexOf(typeOnly), 1);
    return imports.filter((s) => !(s.startsWith('node:') || intoEmulator(file, s))).map((s) => `${path.relative(SRC, file)} imports ${s}`);
  });
  expect(offenders).toEqual([]);
});

test('the checks see the import forms they look for', () => {
  // Guards the two tests above against a scan that finds nothing.
  const code = "import { a } from '../emulator/server';\nexport * from \"./x\";\nconst r = require('../emulator/replay');\nawait import('aws-cdk-lib');\nimport 'side-effect';";
  expect(specifiersOf(code)).toEqual(['../emulator/server', './x', 'aws-cdk-lib', '../emulator/replay', 'side-effect']);
  expect(intoEmulator(path.join(SRC, 'fuota', 'fuota-task.ts'), '../emulator/server')).toBe(true);
  expect(intoEmulator(path.join(SRC, 'fuota', 'fuota-task.ts'), '../shared/emulator-free')).toBe(false);
  expect(typeOnlySpecifiersOf("import type { A } from '../emulator/replay';\nimport { B } from '../emulator/server';")).toEqual(['../emulator/replay']);
  expect(intoSrc(path.join(EMULATOR, 'replay', 'campaigns.ts'), '../../monitoring/task-progress')).toBe(true);
  expect(intoSrc(path.join(EMULATOR, 'replay', 'campaigns.ts'), '../../../node_modules/aws-cdk-lib')).toBe(false);
  expect(intoSrc(path.join(EMULATOR, 'server.ts'), 'aws-cdk-lib')).toBe(false);
});
