// Drift test: src/emulator/constraint-tables.json must be what the generator derives from the models in
// ../shared/aws-models today. Regenerate with
//   npx ts-node --project build-tools/tsconfig.json build-tools/generate-constraint-tables.ts
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EMULATED_OPERATIONS, generateConstraintTables, MODELS_DIR, stableJson } from '../../build-tools/generate-constraint-tables';
import { CONSTRAINT_TABLES_FILE, constraintTables } from '../../src/emulator/constraint-table';
import { FuotaService } from '../../src/emulator/fuota-service';
import { callOperation } from '../../src/emulator/operation';
import { OtaService } from '../../src/emulator/ota-service';

const modelsPresent = Object.values(EMULATED_OPERATIONS).every(({ model }) => fs.existsSync(path.join(MODELS_DIR, model)));
if (!modelsPresent) {
  console.warn(`Skipping the emulator constraint-table drift test: the models are not in ${MODELS_DIR} (it sits beside the repository in the project's workspace).`);
}

(modelsPresent ? describe : describe.skip)('emulator constraint tables', () => {
  test('the committed file is what the models give today, byte for byte', () => {
    const committed = fs.readFileSync(CONSTRAINT_TABLES_FILE, 'utf8');
    expect(stableJson(generateConstraintTables())).toBe(committed);
  });

  test('a changed constraint in a model shows up as a difference', () => {
    // Guards the test above against comparing two things that cannot differ.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'models-'));
    for (const { model } of Object.values(EMULATED_OPERATIONS)) {
      fs.copyFileSync(path.join(MODELS_DIR, model), path.join(copy, model));
    }
    const wireless = JSON.parse(fs.readFileSync(path.join(copy, 'iot-wireless.json'), 'utf8'));
    wireless.shapes['com.amazonaws.iotwireless#RedundancyPercent'].traits['smithy.api#range'].max = 99;
    fs.writeFileSync(path.join(copy, 'iot-wireless.json'), JSON.stringify(wireless));
    const drifted = generateConstraintTables(copy);
    expect(drifted.services.iotwireless.operations.CreateFuotaTask.input.RedundancyPercent).toMatchObject({ range: { min: 0, max: 99 } });
    expect(stableJson(drifted)).not.toBe(fs.readFileSync(CONSTRAINT_TABLES_FILE, 'utf8'));
    fs.rmSync(copy, { recursive: true, force: true });
  });
});

describe('what the table holds (read from the committed file, models or not)', () => {
  const { iotwireless, iotmanagedintegrations } = constraintTables().services;

  test('exactly the operations the handlers call', () => {
    expect(Object.keys(iotwireless.operations).sort()).toEqual([...EMULATED_OPERATIONS.iotwireless.operations].sort());
    expect(Object.keys(iotmanagedintegrations.operations).sort()).toEqual([...EMULATED_OPERATIONS.iotmanagedintegrations.operations].sort());
  });

  test('each operation in the table has its method on the emulator service that routes reach', () => {
    const methods = (service: { prototype: object }, operations: object) => Object.keys(operations)
      .filter((operation) => typeof (service.prototype as { [name: string]: unknown })[operation] !== 'function');
    expect(methods(FuotaService, iotwireless.operations)).toEqual([]);
    expect(methods(OtaService, iotmanagedintegrations.operations)).toEqual([]);
  });

  test('a route reaches only operations, never a service helper', () => {
    const service = new class Sample {
      public GetThing(input: object) { return { body: { asked: input } }; }
      public arn() { return 'helper'; }
    }();
    expect(callOperation(service, 'GetThing', { Id: 'a' })).toEqual({ body: { asked: { Id: 'a' } } });
    expect(() => callOperation(service, 'arn', {})).toThrow('Sample: no method for the operation arn');
    expect(() => callOperation(service, 'constructor', {})).toThrow('no method for the operation constructor');
    expect(() => callOperation(service, 'PutThing', {})).toThrow('Sample: no method for the operation PutThing');
  });

  test('HTTP bindings, success codes and member bindings', () => {
    expect(iotwireless.operations.StartFuotaTask).toMatchObject({ method: 'PUT', uri: '/fuota-tasks/{Id}', code: 204 });
    expect(iotwireless.operations.CreateFuotaTask.code).toBe(201);
    expect(iotwireless.operations.ListWirelessDevices.input.FuotaTaskId).toMatchObject({ binding: 'query', name: 'fuotaTaskId' });
    expect(iotwireless.operations.UntagResource.input.TagKeys).toMatchObject({ binding: 'query', name: 'tagKeys', type: 'list', required: true });
    expect(iotmanagedintegrations.operations.DeleteOtaTask).toMatchObject({ method: 'DELETE', code: 200 });
    // No @http code in the model: 200 by Smithy's default.
    expect(iotmanagedintegrations.operations.TagResource).toMatchObject({ uri: '/tags/{ResourceArn}', code: 200 });
    expect(iotmanagedintegrations.operations.GetOtaTask.input.Identifier).toMatchObject({ binding: 'label', required: true, pattern: '^[A-Za-z0-9]+$' });
  });

  test('nested constraints, timestamps and idempotency tokens', () => {
    const create = iotwireless.operations.CreateFuotaTask.input;
    expect(create.ClientRequestToken).toMatchObject({ idempotencyToken: true, length: { min: 1, max: 64 } });
    expect(create.Tags).toMatchObject({ type: 'list', length: { max: 200 }, member: { type: 'structure', members: { Key: { required: true } } } });
    expect(iotwireless.operations.StartFuotaTask.input.LoRaWAN).toMatchObject({
      type: 'structure', members: { StartTime: { type: 'timestamp', format: 'date-time' } },
    });
    const push = iotmanagedintegrations.operations.CreateOtaTaskConfiguration.input.PushConfig as any;
    expect(push.members.RolloutConfig.members.ExponentialRolloutRate.members.IncrementFactor).toMatchObject({ type: 'double', range: { min: 1.1, max: 5 } });
    expect(push.members.TimeoutConfig.members.InProgressTimeoutInMinutes).toMatchObject({ type: 'long', range: { min: 1, max: 10080 } });
    expect(iotmanagedintegrations.operations.CreateOtaTask.input.Tags).toMatchObject({ type: 'map', length: { min: 1, max: 50 }, sensitive: true });
  });

  test('error shapes with their status codes', () => {
    expect(iotwireless.errors.ConflictException).toEqual({ status: 409, fault: 'client', members: ['Message', 'ResourceId', 'ResourceType'] });
    expect(iotwireless.errors.InternalServerException).toMatchObject({ status: 500, fault: 'server' });
    expect(iotmanagedintegrations.errors.LimitExceededException).toMatchObject({ status: 410 });
    expect(iotmanagedintegrations.operations.TagResource.errors).not.toContain('ValidationException');
  });
});
