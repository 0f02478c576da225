// Drift test: the FUOTA rules compiled into src/ must match the IoT Wireless service model.
import { FUOTA_TASK_MAX_TAGS, FUOTA_TASK_RULES } from '../../src/fuota/fuota-task-rules';
import { FieldRule } from '../../src/shared/constraints';
import { expectRuleMatchesShape, loadModelShapes } from '../model-drift';

const shapes = loadModelShapes('iot-wireless.json');

(shapes ? describe : describe.skip)('FUOTA rules match the IoT Wireless model', () => {
  const shape = (name: string) => {
    const found = shapes![`com.amazonaws.iotwireless#${name}`];
    if (!found) throw new Error(`shape ${name} is not in the model`);
    return found;
  };
  const memberShapes = (name: string) => Object.values(shape(name).members).map((m: any) => m.target.split('#')[1]);

  test.each(Object.entries(FUOTA_TASK_RULES))('%s', (_key, rule: FieldRule) => {
    expectRuleMatchesShape(rule, shape(rule.shape));
  });

  test('every rule names a member of CreateFuotaTask, its nested shapes or the association calls', () => {
    const reachable = new Set([
      ...memberShapes('CreateFuotaTaskRequest'),
      ...memberShapes('LoRaWANFuotaTask'),
      ...memberShapes('Tag'),
      ...memberShapes('AssociateWirelessDeviceWithFuotaTaskRequest'),
      ...memberShapes('AssociateMulticastGroupWithFuotaTaskRequest'),
    ]);
    for (const rule of Object.values(FUOTA_TASK_RULES)) expect(reachable).toContain(rule.shape);
  });

  test('every CreateFuotaTask member the user sets has a rule', () => {
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
