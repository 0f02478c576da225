// `replay --run-campaigns --approve ROLLOUT`: the operator's approval, given during the replay as
// `cdk-iot-ota-tasks approve` would give it, so a user sees their halted rollout resume offline.
// The same command code runs, against the emulator and the replay's CloudFormation.
import { runApprove } from './approve-command';
import type { CampaignStage, CampaignTick } from '../emulator/replay/campaigns';
import { iotWirelessClient } from '../fuota/handler/iot-wireless-client';
import { JobDocumentStore } from '../ota/handler/job-document-store';
import { ManagedIntegrationsClient } from '../ota/handler/managed-integrations-client';
import { stackNameOf } from '../rollout/handler/controller';
import { CloudFormationStackStatus } from '../shared/cloudformation-stack-status';

/**
 * A tick listener that approves each named rollout's next wave once, at the first tick it halts or
 * awaits an approval; it says (true) when it approved one, and writes what `approve` printed.
 */
export function approveWhenWaiting(rollouts: readonly string[], write: (line: string) => void) {
  const pending = new Set(rollouts);
  return async (tick: CampaignTick, stage: CampaignStage): Promise<boolean> => {
    let approved = false;
    for (const rollout of tick.rollouts.filter((r) => pending.has(r.rollout) && r.awaitsSomeone)) {
      pending.delete(rollout.rollout);
      write(`$ cdk-iot-ota-tasks approve --stack ${stackNameOf(stage.stackId)} ${rollout.rollout}`);
      const output: string[] = [];
      const code = await approveOnStage(rollout.rollout, stage, (text) => output.push(text));
      for (const line of output.join('').trimEnd().split('\n')) write(`  ${line}`);
      approved ||= code === 0;
    }
    return approved;
  };
}

async function approveOnStage(rollout: string, stage: CampaignStage, write: (text: string) => void): Promise<number> {
  const credentials = { accessKeyId: stage.accessKeyId, secretAccessKey: stage.secretAccessKey };
  const provider = async () => credentials;
  const wireless = iotWirelessClient({ region: stage.region, endpoint: stage.serviceUrl, credentials });
  try {
    return await runApprove({ stack: stage.stackId, rollout }, {
      stacks: new CloudFormationStackStatus({ region: stage.region, endpoint: stage.cloudFormationUrl, credentials: provider }),
      wireless,
      managedIntegrations: new ManagedIntegrationsClient({ region: stage.region, endpoint: stage.serviceUrl, credentials: provider }),
      records: new JobDocumentStore({ region: stage.region, endpoint: stage.serviceUrl, credentials: provider }),
      write,
      now: stage.now,
    });
  } finally {
    wireless.destroy();
  }
}
