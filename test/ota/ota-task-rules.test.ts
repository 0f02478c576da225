// Drift test: the OTA rules compiled into src/ must match the IoT Managed Integrations model.
import { OTA_TASK_CONFIGURATION_RULES, OTA_TASK_MAX_TAGS, OTA_TASK_RULES } from '../../src/ota/ota-task-rules';
import { FieldRule } from '../../src/shared/constraints';
import { expectRuleMatchesShape, loadModelShapes } from '../model-drift';

const shapes = loadModelShapes('iot-managed-integrations.json');

(shapes ? describe : describe.skip)('OTA rules match the IoT Managed Integrations model', () => {
  const shape = (name: string) => {
    const found = shapes![`com.amazonaws.iotmanagedintegrations#${name}`];
    if (!found) throw new Error(`shape ${name} is not in the model`);
    return found;
  };

  test.each([...Object.entries(OTA_TASK_RULES), ...Object.entries(OTA_TASK_CONFIGURATION_RULES)])('%s', (_key, rule: FieldRule) => {
    expectRuleMatchesShape(rule, shape(rule.shape));
  });

  test('every member of CreateOtaTask and CreateOtaTaskConfiguration (and their nested shapes) is covered', () => {
    const ruled = new Set([...Object.values(OTA_TASK_RULES), ...Object.values(OTA_TASK_CONFIGURATION_RULES)].map((rule) => rule.shape));
    // Structures and lists are walked; these are handled without a field rule of their own.
    const handledElsewhere = new Set(['ClientToken', 'TagsMap', 'Target', 'AbortCriteriaAction']);
    const missing: string[] = [];
    const visit = (name: string, seen = new Set<string>()) => {
      if (seen.has(name)) return;
      seen.add(name);
      const s = shape(name);
      if (s.type === 'structure') {
        for (const member of Object.values<any>(s.members)) visit(member.target.split('#')[1], seen);
      } else if (s.type === 'list') {
        const target = s.member.target;
        if (target.startsWith('com.amazonaws')) visit(target.split('#')[1], seen);
      } else if (!ruled.has(name) && !handledElsewhere.has(name)) {
        missing.push(name);
      }
    };
    visit('CreateOtaTaskRequest');
    visit('CreateOtaTaskConfigurationRequest');
    expect(missing).toEqual([]);
  });

  test('tags map size', () => {
    expect(shape('TagsMap').traits['smithy.api#length']).toEqual({ min: 1, max: OTA_TASK_MAX_TAGS });
  });
});
