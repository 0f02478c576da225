import type { OtaLifecycleContext } from './lifecycle';
import type { TagsMap } from './managed-integrations-client';
import { tagChanges } from './ota-requests';
import { callService } from '../../shared/service-call';

/**
 * Brings an OTA task's tags from `previous` to `desired` in place: UntagResource for the keys
 * that went, TagResource for the rest. Shared by OtaTask updates and started rollout waves.
 */
export async function convergeTaskTags(
  arn: string, id: string, previous: TagsMap, desired: TagsMap, ctx: OtaLifecycleContext,
): Promise<void> {
  const { remove, set } = tagChanges(previous, desired);
  if (remove.length > 0) {
    await callService('UntagResource', () => ctx.client.untagResource({ ResourceArn: arn, TagKeys: remove }), ctx);
    ctx.log({ operation: 'UntagResource', taskId: id, keys: remove });
  }
  if (Object.keys(set).length > 0) {
    await callService('TagResource', () => ctx.client.tagResource({ ResourceArn: arn, Tags: set }), ctx);
    ctx.log({ operation: 'TagResource', taskId: id, keys: Object.keys(set) });
  }
}
