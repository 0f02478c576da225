// CloudFormation quotas a stack of many tasks runs into, and which of them a measured stack crosses.
import { TemplateMetrics } from './template-metrics';

export interface Quota {
  readonly name: string;
  readonly limit: number;
  readonly measure: (metrics: TemplateMetrics) => number;
}

export const QUOTAS: readonly Quota[] = [
  { name: 'resources (500)', limit: 500, measure: (m) => m.resources },
  { name: 'outputs (200)', limit: 200, measure: (m) => m.outputs },
  { name: 'inline policies per role (10,240 chars)', limit: 10_240, measure: (m) => m.largestRoleInlinePolicyChars },
  // The template body CloudFormation reads from S3, where CDK uploads every template.
  { name: 'template size (1 MB)', limit: 1_048_576, measure: (m) => m.templateBytes },
];

/** The quotas `metrics` exceeds. */
export function quotasCrossed(metrics: TemplateMetrics): string[] {
  return QUOTAS.filter((quota) => quota.measure(metrics) > quota.limit).map((quota) => quota.name);
}

/**
 * The most tasks one stack holds before each quota is crossed, from two measured points of a stack
 * that grows linearly with its tasks; sorted, so the first entry is the quota crossed first.
 */
export interface MeasuredSize {
  readonly tasks: number;
  readonly metrics: TemplateMetrics;
}

export function taskLimits(a: MeasuredSize, b: MeasuredSize): { quota: string; maxTasks: number }[] {
  const limits: { quota: string; maxTasks: number }[] = [];
  for (const quota of QUOTAS) {
    const perTask = (quota.measure(b.metrics) - quota.measure(a.metrics)) / (b.tasks - a.tasks);
    if (perTask <= 0) continue;
    const base = quota.measure(b.metrics) - perTask * b.tasks;
    limits.push({ quota: quota.name, maxTasks: Math.floor((quota.limit - base) / perTask) });
  }
  return limits.sort((x, y) => x.maxTasks - y.maxTasks);
}
