// Shared by the drift tests: compares rules compiled into src/ with a service model in
// ../shared/aws-models (read by tests only; nothing at synth or in the package reads it).
import * as fs from 'fs';
import * as path from 'path';
import { FieldRule } from '../src/shared/constraints';

export const MODELS_DIR = path.resolve(__dirname, '..', '..', 'shared', 'aws-models');

/** Loads a model's shapes, or returns undefined (after saying why) where the folder is absent. */
export function loadModelShapes(file: string): Record<string, any> | undefined {
  const modelPath = path.join(MODELS_DIR, file);
  if (!fs.existsSync(modelPath)) {
    console.warn(`Skipping the ${file} drift test: ${modelPath} is absent (it sits beside the repository in the project's workspace).`);
    return undefined;
  }
  return JSON.parse(fs.readFileSync(modelPath, 'utf8')).shapes;
}

/** Expects `rule` to state exactly the constraints of its model shape. */
export function expectRuleMatchesShape(rule: FieldRule, shape: any): void {
  const traits = shape.traits ?? {};
  if (rule.allowed) {
    expect(shape.type).toBe('enum');
    const values = Object.values(shape.members).map((member: any) => member.traits['smithy.api#enumValue']);
    expect([...rule.allowed].sort()).toEqual(values.sort());
  } else if (rule.type === 'string') {
    expect(shape.type).toBe('string');
    expect({ min: rule.minLength ?? 0, max: rule.maxLength, pattern: rule.pattern }).toEqual({
      min: traits['smithy.api#length']?.min ?? 0,
      max: traits['smithy.api#length']?.max,
      pattern: traits['smithy.api#pattern'],
    });
  } else {
    expect(rule.type === 'double' ? ['double', 'float'] : ['integer', 'long']).toContain(shape.type);
    expect({ min: rule.min, max: rule.max }).toEqual({ min: traits['smithy.api#range']?.min, max: traits['smithy.api#range']?.max });
  }
}
