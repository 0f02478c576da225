// The `cdk-iot-ota-tasks` command, bundled with the AWS SDK inside (assets/cli/…): `status` prints
// how far each campaign of a deployed stack got, `approve` lets a rollout's next wave start,
// `replay` runs a synthesized stack against the package's emulator.
// Node.js 22, like the handlers.
import { runApprove } from './approve-command';
import { APPROVE_USAGE, parseApproveOptions } from './approve-options';
import { runReplay } from './replay-command';
import { parseReplayOptions, REPLAY_USAGE } from './replay-options';
import { runStatus } from './status-command';
import { parseStatusOptions, STATUS_USAGE } from './status-options';

const MIN_NODE_MAJOR = 22;

async function main(argv: string[]): Promise<number> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < MIN_NODE_MAJOR) {
    console.error(`cdk-iot-ota-tasks needs Node.js ${MIN_NODE_MAJOR} or later, this is ${process.versions.node}`);
    return 2;
  }
  const [command, ...args] = argv;
  if (command === 'status') {
    return runStatus(parseStatusOptions(args));
  }
  if (command === 'approve') {
    return runApprove(parseApproveOptions(args));
  }
  if (command === 'replay') {
    return runReplay(parseReplayOptions(args));
  }
  const usage = `${STATUS_USAGE}\n${APPROVE_USAGE}\n${REPLAY_USAGE}`;
  console.error(command === undefined || command === '--help' ? usage : `unknown command ${JSON.stringify(command)}\n${usage}`);
  return command === '--help' ? 0 : 2;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: Error) => {
  console.error(error.message);
  process.exitCode = 2;
});
