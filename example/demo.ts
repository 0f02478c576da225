// The README's run command: synthesize the example app into cdk.out/ and say what it would deploy,
// then replay its deployment against the local service emulator: create, an update (one more hub
// and a new description for the OTA task), delete, running the bundled handlers of cdk.out the way
// CloudFormation and the CDK Provider framework would. Exits non-zero on any failure.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { failureAlarms, runCampaigns } from './campaign-run';
import { ExampleStack } from './example-stack';
import { runRollouts } from './rollout-run';
import { FuotaTask, OtaTask } from '../src';
import { ReplayResult, StackReplay } from '../src/emulator/replay';
import { EmulatorSnapshot, JournalEntry, ServiceEmulator } from '../src/emulator/server';

const outdir = path.join(__dirname, '..', 'cdk.out');
const app = new App({ outdir });
const env = { account: '123456789012', region: 'eu-west-1' };
const stack = new ExampleStack(app, 'FuotaExample', { env });
// Watch the campaigns: a failure alarm on each task makes the stack's campaign monitor.
for (const task of stack.node.findAll().filter((c): c is FuotaTask | OtaTask => c instanceof FuotaTask || c instanceof OtaTask)) {
  task.addFailureAlarm('Failures');
}
const artifact = app.synth().getStackByName(stack.stackName);
const template = artifact.template as { Resources: Record<string, any>; Outputs?: Record<string, any> };
const resources = Object.entries(template.Resources);

/** A template value as a person reads it: `${Ref}` and `${Resource.Attribute}` inside joined strings. */
function readable(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    if ('Ref' in v) return `\${${v.Ref}}`;
    if ('Fn::GetAtt' in v) return `\${${v['Fn::GetAtt'].join('.')}}`;
    if ('Fn::Join' in v) return v['Fn::Join'][1].map(readable).join(v['Fn::Join'][0]);
  }
  return JSON.stringify(value, (_key, inner) => (inner && typeof inner === 'object' && ('Ref' in inner || 'Fn::GetAtt' in inner || 'Fn::Join' in inner) ? readable(inner) : inner));
}
const show = readable;
const lines: string[] = [`Synthesized ${stack.stackName} (${stack.region}) into ${path.relative(process.cwd(), outdir)}/`, ''];

const kinds: Record<string, string> = {
  'Custom::IoTWirelessFuotaTask': 'FUOTA task (IoT Wireless)',
  'Custom::IoTManagedIntegrationsOtaTaskConfiguration': 'OTA task configuration (IoT Managed Integrations)',
  'Custom::IoTManagedIntegrationsOtaTask': 'OTA task (IoT Managed Integrations)',
};
for (const [logicalId, resource] of resources.filter(([, r]) => r.Type in kinds)) {
  lines.push(`${kinds[resource.Type]} ${logicalId}`);
  for (const [key, value] of Object.entries(resource.Properties)) {
    if (key === 'ServiceToken' || key === 'ServiceTimeout') continue;
    const text = key === 'JobDocument' ? `${JSON.stringify(JSON.parse(value as string))} (stored by the handler in the job-document bucket)` : show(value);
    lines.push(`  ${key.padEnd(20)} ${text}`);
  }
  lines.push('');
}

lines.push('Outputs');
for (const [name, output] of Object.entries(template.Outputs ?? {})) {
  lines.push(`  ${name}: ${show(output.Value)}`);
}
lines.push('');

lines.push('IAM statements of the library\'s roles');
let frameworkStatements = 0;
for (const [logicalId, resource] of resources.filter(([, r]) => r.Type === 'AWS::IAM::Policy')) {
  const statements = resource.Properties.PolicyDocument.Statement as any[];
  // The CDK Provider framework's own roles only invoke the handlers and start the waiter.
  if (/framework|waiterstatemachine/.test(logicalId)) {
    frameworkStatements += statements.length;
    continue;
  }
  for (const statement of statements) {
    const actions = [statement.Action].flat().join(', ');
    const where = [statement.Resource].flat().map(show).join(', ');
    const condition = statement.Condition ? ` if ${show(statement.Condition)}` : '';
    lines.push(`  ${logicalId.replace(/DefaultPolicy\w+$/, '')}: ${actions} on ${where}${condition}`);
  }
}
for (const [logicalId, resource] of resources.filter(([id, r]) => r.Type === 'AWS::IAM::Role' && !/framework|waiterstatemachine/.test(id))) {
  const trusted = resource.Properties.AssumeRolePolicyDocument.Statement.map((st: any) => `${show(st.Principal)}${st.Condition ? ` if ${show(st.Condition)}` : ''}`);
  lines.push(`  ${logicalId} trusts ${trusted.join(', ')}`);
}
for (const [logicalId, resource] of resources.filter(([, r]) => r.Type === 'AWS::S3::BucketPolicy')) {
  for (const statement of resource.Properties.PolicyDocument.Statement) {
    lines.push(`  ${logicalId}: ${statement.Effect} ${show(statement.Principal)} ${[statement.Action].flat().join(', ')} on ${[statement.Resource].flat().map(show).join(', ')}${statement.Condition ? ` if ${show(statement.Condition)}` : ''}`);
  }
}
lines.push(`  (plus ${frameworkStatements} statements of the CDK Provider framework's roles: invoke the handlers, start the waiter)`);
lines.push('');

const count = (type: string) => resources.filter(([, r]) => r.Type === type).length;
lines.push(`Lambda functions: ${count('AWS::Lambda::Function')}; state machines: ${count('AWS::StepFunctions::StateMachine')}; resources: ${resources.length}; outputs: ${Object.keys(template.Outputs ?? {}).length}`);
console.log(lines.join('\n'));

// ---------------------------------------------------------------------------------------------
// Replay against the emulator.

const HUBS = ['hub0001', 'hub0002', 'hub0003'].map((id) => `arn:aws:iotmanagedintegrations:eu-west-1:123456789012:managed-thing/${id}`);
const UPDATE = { hubTargets: HUBS, hubDescription: 'Hub firmware 3_1 with hub0003' };

/** Consecutive identical calls as one line with a count. */
function calls(journal: readonly JournalEntry[]): string[] {
  const out: { text: string; count: number }[] = [];
  for (const entry of journal) {
    const text = `${entry.service.padEnd(22)} ${entry.operation.padEnd(40)} ${entry.status}${entry.errorType ? ` ${entry.errorType}` : ''}`;
    if (out.length > 0 && out[out.length - 1].text === text) out[out.length - 1].count++;
    else out.push({ text, count: 1 });
  }
  return out.map((line) => `    ${line.text}${line.count > 1 ? ` x${line.count}` : ''}`);
}

function state(snapshot: EmulatorSnapshot): string[] {
  const out: string[] = [];
  const short = (arn: unknown) => String(arn).split('/').pop();
  for (const task of snapshot.fuotaTasks) {
    const f = task.fields as Record<string, any>;
    out.push(`    FUOTA task ${task.id} ${f.Name} "${f.Description}" ${f.LoRaWAN?.RfRegion}, ${task.status}${task.startTime ? `, starts ${task.startTime}` : ''}`);
    out.push(`      devices: ${task.wirelessDeviceIds.join(', ') || 'none'}${task.multicastGroupIds.length ? `; groups: ${task.multicastGroupIds.join(', ')}` : ''}; tags: ${JSON.stringify(task.tags)}`);
  }
  for (const configuration of snapshot.otaTaskConfigurations) {
    const f = configuration.fields as Record<string, any>;
    out.push(`    OTA task configuration ${configuration.id} ${f.Name ?? ''} "${f.Description ?? ''}"`);
  }
  for (const task of snapshot.otaTasks) {
    const f = task.fields as Record<string, any>;
    out.push(`    OTA task ${task.id} ${f.OtaType} "${f.Description}" ${task.status}, configuration ${f.TaskConfigurationId ?? 'none'}`);
    out.push(`      targets: ${[f.Target ?? []].flat().map(short).join(', ')}; tags: ${JSON.stringify(task.tags)}`);
  }
  for (const object of snapshot.s3Objects) out.push(`    S3 object ${object.location} (${object.bytes} bytes)`);
  return out.length > 0 ? out : ['    (nothing)'];
}

function report(title: string, result: ReplayResult, emulator: ServiceEmulator, journal: readonly JournalEntry[], describeStacks: number): string[] {
  const out = [`== ${title}: ${result.stackStatus}${result.succeeded ? '' : ' (FAILED)'} ==`, '  Requests (CloudFormation -> provider framework -> bundled handler)'];
  for (const step of result.steps) {
    const ids = step.requestPhysicalId && step.requestPhysicalId !== step.physicalId ? `${step.requestPhysicalId} -> ${step.physicalId}` : step.physicalId ?? '-';
    out.push(`    ${step.phase.padEnd(8)} ${step.requestType.padEnd(6)} ${step.logicalId.padEnd(26)} ${ids.padEnd(40)} ${step.status} (isComplete x${step.isCompleteCalls})`);
    if (step.reason) out.push(`      reason: ${step.reason.trim().split('\n')[0]}`);
  }
  out.push(`  Calls to the emulator (service, operation, status)${describeStacks ? `; plus ${describeStacks} DescribeStacks` : ''}`);
  out.push(...calls(journal));
  out.push(`  State after (virtual time ${emulator.snapshot().virtualTime})`);
  out.push(...state(emulator.snapshot()));
  return out;
}

async function replayDeployments(): Promise<boolean> {
  const v2 = fs.mkdtempSync(path.join(os.tmpdir(), 'fuota-example-v2-'));
  // The second sensor fails its update (MissingFrag), so the campaign's failure alarm trips.
  const sensors = resources.filter(([, r]) => r.Type === 'Custom::IoTWirelessFuotaTask').flatMap(([, r]) => r.Properties.WirelessDeviceIds ?? []);
  const emulator = await ServiceEmulator.start({ clockStart: Date.now(), fuotaOutcomes: { successShare: 1, script: { [sensors[1]]: 'MissingFrag' } } });
  const replay = await StackReplay.start(emulator, { stackName: stack.stackName });
  try {
    const app2 = new App({ outdir: v2 });
    new ExampleStack(app2, 'FuotaExample', { env, ...UPDATE });
    app2.synth();
    // The example's wireless devices exist; any other would fail to associate.
    const devices = resources.filter(([, r]) => r.Type === 'Custom::IoTWirelessFuotaTask').flatMap(([, r]) => r.Properties.WirelessDeviceIds ?? []);
    emulator.knowWirelessDevices(...devices);

    console.log(`\nReplaying ${stack.stackName} against the service emulator at ${emulator.url} (bundled handlers from cdk.out/)`);
    console.log('Update: the OTA task gets one more target (hub0003) and a new description, so it is replaced.\n');
    let ok = true;
    const steps: [string, () => Promise<ReplayResult>][] = [
      ['Create', () => replay.deploy(outdir)],
      ['Update', () => replay.deploy(v2)],
      ['Delete', () => replay.destroy()],
    ];
    for (const [title, run] of steps) {
      if (title === 'Update') {
        console.log('== Campaigns: the bundled campaign monitor, invoked every 5 virtual minutes ==');
        if (!await runCampaigns(emulator, replay, outdir, stack.stackName, failureAlarms(template))) return false;
        console.log('');
      }
      const journalStart = emulator.journal.length;
      const describeStart = replay.describeStacksCalls.length;
      const result = await run();
      console.log(report(title, result, emulator, emulator.journal.slice(journalStart), replay.describeStacksCalls.length - describeStart).join('\n'));
      console.log('');
      if (!result.succeeded) {
        ok = false;
        console.error(`${title} failed: ${result.failure ?? result.stackStatus}`);
        for (const step of result.steps.filter((s) => s.status === 'FAILED')) console.error(step.logs.slice(-10).join('\n'));
        break;
      }
    }
    const left = emulator.snapshot();
    const leftovers = left.fuotaTasks.length + left.otaTasks.length + left.otaTaskConfigurations.length + left.s3Objects.length;
    if (ok && leftovers > 0) {
      ok = false;
      console.error(`${leftovers} resources left in the emulator after the delete`);
    }
    console.log(ok ? 'Replay complete: create, update and delete succeeded; nothing left behind.' : 'Replay FAILED.');
    return ok;
  } finally {
    await replay.stop();
    await emulator.stop();
    fs.rmSync(v2, { recursive: true, force: true });
  }
}

replayDeployments().then(async (ok) => {
  if (ok) {
    console.log('');
    ok = await runRollouts();
    console.log(ok ? 'Rollouts complete: every wave started once, in order, after its gate or an approval; nothing left behind.' : 'Rollouts FAILED.');
  }
  if (!ok) process.exitCode = 1;
}, (error) => {
  console.error(error);
  process.exitCode = 1;
});
