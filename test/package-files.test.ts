// The npm package is an allow-list (`files` in package.json, set in .projenrc.ts): what ships is the
// library (lib/), its handler bundles (assets/), what Construct Hub reads (README, API.md, .jsii and
// the rosetta fixtures its examples compile with), LICENSE and package.json, and nothing else, so a
// stray file at the repository root (a log, a marker, a local .env) never goes to npm.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const REPO = path.join(__dirname, '..');
const SHIPPED_FILES = ['package.json', 'README.md', 'LICENSE', 'API.md', '.jsii', 'rosetta/app.ts-fixture', 'rosetta/bare.ts-fixture', 'rosetta/default.ts-fixture'];
const SHIPPED_DIRS = ['lib', 'assets'];

/** The files `npm pack` would put in the tarball of the package in `dir`. */
function packedFiles(dir: string): string[] {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8' });
  return (JSON.parse(output)[0].files as Array<{ path: string }>).map((file) => file.path).sort();
}

/** What should ship: the fixed files, and every .js and .d.ts under lib/ and every file under assets/. */
function expectedFiles(dir: string): string[] {
  const walk = (sub: string): string[] => fs.readdirSync(path.join(dir, sub), { recursive: true }).map(String)
    .map((file) => path.posix.join(sub, file.split(path.sep).join('/')))
    .filter((file) => fs.statSync(path.join(dir, file)).isFile());
  // The emulator's constraint tables are the one data file of lib/ (read beside its compiled code).
  const lib = walk('lib').filter((file) => file.endsWith('.js') || file.endsWith('.d.ts') || file === 'lib/emulator/constraint-tables.json');
  return [...SHIPPED_FILES, ...lib, ...walk('assets')].sort();
}

test('the packed file list is exactly the library, its handler bundles and the documents', () => {
  const files = packedFiles(REPO);
  expect(files).toEqual(expectedFiles(REPO));
  expect(files).toEqual(expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', 'assets/fuota/fuota-task-handler.lambda/index.js', 'assets/ota/ota-task-handler.lambda/index.js']));
});

test('stray files at the root and repository folders stay out of the package', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'package-files-'));
  try {
    for (const file of SHIPPED_FILES) fs.cpSync(path.join(REPO, file), path.join(dir, file));
    for (const sub of SHIPPED_DIRS) fs.cpSync(path.join(REPO, sub), path.join(dir, sub), { recursive: true });
    const strays = ['.env', 'debug.log', 'DEPLOYED', 'notes.txt', 'src/index.ts', 'test/x.test.ts', 'emulator/server.ts', 'cdk.out/manifest.json', 'lib/local.ts', 'rosetta/scratch.ts'];
    for (const stray of strays) {
      fs.mkdirSync(path.dirname(path.join(dir, stray)), { recursive: true });
      fs.writeFileSync(path.join(dir, stray), 'not for npm');
    }
    const files = packedFiles(dir);
    for (const stray of strays) expect(files).not.toContain(stray);
    expect(files).toEqual(expectedFiles(dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
