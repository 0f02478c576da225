// The `cdk-iot-ota-tasks` command, bundled with the AWS SDK inside (assets/cli/…): `status` prints
// how far each campaign of a deployed stack got. Node.js 22, like the handlers.
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
  console.error(command === undefined || command === '--help' ? STATUS_USAGE : `unknown command ${JSON.stringify(command)}\n${STATUS_USAGE}`);
  return command === '--help' ? 0 : 2;
}

main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: Error) => {
  console.error(error.message);
  process.exitCode = 2;
});
