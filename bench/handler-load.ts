// The handler side: what each Lambda downloads (bundle bytes, raw and zipped as Lambda receives
// them) and how long a cold start spends loading code, each load in a fresh node process.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

export interface HandlerCode {
  readonly name: string;
  /** Files whose bytes ship in the function's code package. */
  readonly shippedFiles: readonly string[];
  /** Modules a cold start requires, in order (the SDK from the runtime counts here, not above). */
  readonly loads: readonly string[];
}

const ROOT = path.join(__dirname, '..');

/** The AwsCustomResource handler as aws-cdk-lib ships it, prebuilt. */
const AWS_CUSTOM_RESOURCE_HANDLER = path.join(ROOT, 'node_modules/aws-cdk-lib/custom-resource-handlers/dist/custom-resources/aws-custom-resource-handler/index.js');

export const HANDLERS: readonly HandlerCode[] = [
  {
    name: 'FuotaTask handler (SDK bundled)',
    shippedFiles: [path.join(ROOT, 'assets/fuota/fuota-task-handler.lambda/index.js')],
    loads: [path.join(ROOT, 'assets/fuota/fuota-task-handler.lambda/index.js')],
  },
  {
    name: 'AwsCustomResource handler + @aws-sdk/client-iot-wireless from the runtime',
    shippedFiles: [AWS_CUSTOM_RESOURCE_HANDLER],
    // It requires the service's client when the first event names it; Lambda's Node.js 22 runtime
    // provides that client, here the same version from node_modules.
    loads: [AWS_CUSTOM_RESOURCE_HANDLER, require.resolve('@aws-sdk/client-iot-wireless')],
  },
];

export interface CodeSize {
  readonly rawBytes: number;
  /** Deflated at zip's maximum level: what a Lambda code zip holds, less the zip headers. */
  readonly zippedBytes: number;
}

export function codeSize(handler: HandlerCode): CodeSize {
  let rawBytes = 0;
  let zippedBytes = 0;
  for (const file of handler.shippedFiles) {
    const content = fs.readFileSync(file);
    rawBytes += content.length;
    zippedBytes += zlib.deflateRawSync(content, { level: 9 }).length;
  }
  return { rawBytes, zippedBytes };
}

const LOAD_SCRIPT = `
const started = process.hrtime.bigint();
for (const module of JSON.parse(process.argv[1])) require(module);
process.stdout.write(String(Number(process.hrtime.bigint() - started) / 1e6));`;

/** Milliseconds to require the handler's modules in a fresh node process. */
export function coldLoadMs(handler: HandlerCode): number {
  const out = execFileSync(process.execPath, ['-e', LOAD_SCRIPT, JSON.stringify(handler.loads)], {
    cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH },
  });
  return Number(out);
}
