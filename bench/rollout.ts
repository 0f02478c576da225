// What a staged rollout costs per wave: template resources, template bytes and IAM policy bytes of
// a stack with one FuotaRollout, or one OtaRollout, of W waves (outputs off), measured at two
// sizes so the cost of one more wave is read off the difference; and the controller's API calls
// per tick for W waves.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { measureAssembly, TemplateMetrics } from './template-metrics';
import { FirmwareImage, FuotaRollout, FuotaWave, OtaJobDocument, OtaRollout, OtaWave } from '../src';

export const ROLLOUT_WAVES = [2, 20];
const STACK = 'BenchRollout';

export interface RolloutTemplateRow extends TemplateMetrics {
  readonly waves: number;
}

export interface RolloutFigures {
  readonly rows: readonly RolloutTemplateRow[];
  /** Per extra wave, from the two sizes. */
  readonly perWave: PerWave;
  /** The same for an OtaRollout. */
  readonly ota: { readonly rows: readonly RolloutTemplateRow[]; readonly perWave: PerWave };
}

interface PerWave { readonly resources: number; readonly templateBytes: number; readonly iamPolicyBytes: number }

function synthRollout(waves: number, service: 'fuota' | 'ota' = 'fuota'): RolloutTemplateRow {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-rollout-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, STACK, { env: { account: '123456789012', region: 'eu-west-1' } });
    const images = s3.Bucket.fromBucketName(stack, 'Images', 'images');
    if (service === 'ota') {
      new OtaRollout(stack, 'Firmware', {
        jobDocument: OtaJobDocument.fromBucket(images, 'v2.json'),
        waves: Array.from({ length: waves }, (_, i) => OtaWave.ofThings([`arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/thing${i + 1}`])),
      });
    } else {
      new FuotaRollout(stack, 'Firmware', {
        firmware: FirmwareImage.fromBucket(images, 'v2.bin'),
        outputs: false,
        waves: Array.from({ length: waves }, (_, i) => FuotaWave.ofDevices([`00000000-0000-4000-8000-${(i + 1).toString(16).padStart(12, '0')}`])),
      });
    }
    app.synth();
    return { waves, ...measureAssembly(outdir, STACK) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

export function measureRollouts(): RolloutFigures {
  const rows = ROLLOUT_WAVES.map((waves) => synthRollout(waves));
  const otaRows = ROLLOUT_WAVES.map((waves) => synthRollout(waves, 'ota'));
  return { rows, perWave: perWaveOf(rows), ota: { rows: otaRows, perWave: perWaveOf(otaRows) } };
}

function perWaveOf(rows: readonly RolloutTemplateRow[]): PerWave {
  const [a, b] = [rows[0], rows[rows.length - 1]];
  const per = (pick: (row: RolloutTemplateRow) => number) => (pick(b) - pick(a)) / (b.waves - a.waves);
  return { resources: per((r) => r.resources), templateBytes: per((r) => r.templateBytes), iamPolicyBytes: per((r) => r.iamPolicyBytes) };
}

export function rolloutSection(figures: RolloutFigures): string[] {
  const lines = ['## Staged rollouts', '',
    'A stack with one `FuotaRollout` of W waves (one device each, outputs off), synthesized at two sizes; the cost of',
    'one more wave is the difference divided by the waves added. Targets: 1 CloudFormation resource per wave, 0 IAM',
    'bytes per wave (the controller\'s statements are one fixed set per stack, in the campaign monitor\'s role).', '',
    '| Waves | Resources | Template bytes | IAM policy bytes | Lambda functions |', '|---|---|---|---|---|'];
  for (const row of figures.rows) lines.push(`| ${row.waves} | ${row.resources} | ${row.templateBytes.toLocaleString('en-US')} | ${row.iamPolicyBytes.toLocaleString('en-US')} | ${row.lambdaFunctions} |`);
  const p = figures.perWave;
  lines.push('', `Per extra wave: **${p.resources} resource**, ${Math.round(p.templateBytes).toLocaleString('en-US')} template bytes (its custom resource, tags and`,
    `the schedule's DependsOn entry), **${p.iamPolicyBytes} IAM policy bytes**.`, '',
    'The controller runs in the campaign monitor\'s tick: per wave of a rollout not yet complete it adds one',
    '`ListTagsForResource` to the monitor\'s reads (GetFuotaTask reports no tags), one `DescribeStacks` per tick that',
    'has something to do, and per decision at most one `TagResource`, one `StartFuotaTask` and one `PutEvents`.', '',
    'The same stack with one `OtaRollout` of W waves (one managed thing each): an OTA wave\'s task is created by the',
    'controller, so at deployment each wave is its custom resource and a record in the library bucket.', '',
    '| Waves | Resources | Template bytes | IAM policy bytes | Lambda functions |', '|---|---|---|---|---|');
  for (const row of figures.ota.rows) lines.push(`| ${row.waves} | ${row.resources} | ${row.templateBytes.toLocaleString('en-US')} | ${row.iamPolicyBytes.toLocaleString('en-US')} | ${row.lambdaFunctions} |`);
  const o = figures.ota.perWave;
  lines.push('', `Per extra OTA wave: **${o.resources} resource**, ${Math.round(o.templateBytes).toLocaleString('en-US')} template bytes, **${o.iamPolicyBytes} IAM policy bytes**.`,
    'Per OTA wave the tick reads its record (one `GetObject`) instead of its tags; a start is one `DescribeStacks`, two',
    'record writes (`creating`, then the task) around one `CreateOtaTask`, and one `PutEvents`.', '');
  return lines;
}
