// Drift test: the rules compiled into src/ must match the IoT Wireless service model in
// ../shared/aws-models (read here only; nothing at synth or in the package reads it).
import * as fs from 'fs';
import * as path from 'path';
import { FUOTA_TASK_MAX_TAGS, FUOTA_TASK_RULES } from '../../src/fuota/fuota-task-rules';
import { FieldRule } from '../../src/shared/constraints';

const MODEL = path.resolve(__dirname, '..', '..', '..', 'shared', 'aws-models', 'iot-wireless.json');
const haveModel = fs.existsSync(MODEL);
if (!haveModel) {
  console.warn(`Skipping the IoT Wireless model drift test: ${MODEL} is absent (it sits beside the repository in the project's workspace).`);
}

(haveModel ? describe : describe.skip)('FUOTA rules match the IoT Wireless model', () => {
  const shapes: Record<string, any> = haveModel ? JSON.parse(fs.readFileSync(MODEL, 'utf8')).shapes : {};
  const shape = (name: string) => {
    const found = shapes[`com.amazonaws.iotwireless#${name}`];
    if (!found) throw new Error(`shape ${name} is not in the model`);
    return found;
  };

  test.each(Object.entries(FUOTA_TASK_RULES))('%s', (_key, rule: FieldRule) => {
    const model = shape(rule.shape);
    const traits = model.traits ?? {};
    if (rule.type === 'integer') {
      expect(model.type).toBe('integer');
      expect({ min: rule.min, max: rule.max }).toEqual({ min: traits['smithy.api#range']?.min, max: traits['smithy.api#range']?.max });
    } else if (rule.allowed) {
      expect(model.type).toBe('enum');
      const values = Object.values(model.members).map((member: any) => member.traits['smithy.api#enumValue']);
      expect([...rule.allowed].sort()).toEqual(values.sort());
    } else {
      expect(model.type).toBe('string');
      expect({ min: rule.minLength ?? 0, max: rule.maxLength }).toEqual({
        min: traits['smithy.api#length']?.min ?? 0,
        max: traits['smithy.api#length']?.max,
      });
      expect(rule.pattern).toBe(traits['smithy.api#pattern']);
    }
  });

  test('every rule names a member of CreateFuotaTask, its nested shapes or the association calls', () => {
    const members = (name: string) => Object.values(shape(name).members).map((m: any) => m.target.split('#')[1]);
    const reachable = new Set([
      ...members('CreateFuotaTaskRequest'),
      ...members('LoRaWANFuotaTask'),
      ...members('Tag'),
      ...members('AssociateWirelessDeviceWithFuotaTaskRequest'),
      ...members('AssociateMulticastGroupWithFuotaTaskRequest'),
    ]);
    for (const rule of Object.values(FUOTA_TASK_RULES)) expect(reachable).toContain(rule.shape);
  });

  test('every optional CreateFuotaTask member the user sets has a rule', () => {
    const handledElsewhere = ['ClientRequestToken', 'LoRaWAN', 'Tags'];
    const ruled = new Set(Object.values(FUOTA_TASK_RULES).map((rule) => rule.shape));
    for (const [name, member] of Object.entries<any>(shape('CreateFuotaTaskRequest').members)) {
      if (handledElsewhere.includes(name)) continue;
      expect([name, ruled.has(member.target.split('#')[1])]).toEqual([name, true]);
    }
  });

  test('tag count', () => {
    expect(shape('TagList').traits['smithy.api#length'].max).toBe(FUOTA_TASK_MAX_TAGS);
  });
});
