// Prints the one plain line CI reads, `N passed, N failed`, from jest-junit's report.
const fs = require('fs');

const file = process.argv[2];
if (!fs.existsSync(file)) {
  console.log('0 passed, 1 failed');
  console.error(`no test report at ${file}: the build stopped before the tests ran`);
  process.exit(1);
}
const xml = fs.readFileSync(file, 'utf8');
const root = /<testsuites\b[^>]*>/.exec(xml)?.[0] ?? '';
const attr = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(root)?.[1] ?? 0);
const total = attr('tests');
const failed = attr('failures') + attr('errors');
const skipped = /\bskipped="(\d+)"/.test(root) ? attr('skipped') : (xml.match(/<skipped\s*\/>/g) ?? []).length;
console.log(`${total - failed - skipped} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || total === 0 ? 1 : 0);
