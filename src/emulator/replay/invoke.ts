/**
 * One Lambda invocation of a bundled handler, in a child process of its own: every invocation
 * starts with fresh module state, as separate Lambdas (or cold starts) do, and loads the bundle
 * with node alone, as Lambda does. The process is killed at the function's timeout, or earlier when
 * the caller aborts it (a `kill` fault: the handler dies mid-step, as at a Lambda timeout), and the
 * outcome is then Lambda's timeout error.
 */
import { spawn } from 'node:child_process';
import { HandlerFunction } from './template';

export interface InvocationEnvironment {
  readonly region: string;
  readonly endpoint: string;
  /** Where the handler's DescribeStacks goes (AWS_ENDPOINT_URL_CLOUDFORMATION). */
  readonly cloudFormationEndpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly accountId: string;
  /**
   * Where the handler's clock starts (epoch milliseconds; \`Date.now()\` and \`new Date()\` inside it):
   * the emulator's virtual time, for handlers that compute times the emulator checks (the rollout
   * controller's wave starts, 30 minutes ahead of *now*). Left out, the machine's clock.
   */
  readonly virtualNow?: number;
}

export type InvocationOutcome =
  | { readonly ok: true; readonly result: any; readonly logs: string[] }
  /** Lambda's FunctionError: the handler threw, timed out or its process died. */
  | { readonly ok: false; readonly errorType: string; readonly errorMessage: string; readonly logs: string[] };

const MARK = '@@REPLAY-INVOCATION@@';

const SCRIPT = `
const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', async () => {
  const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  if (input.virtualNow !== undefined) {
    const RealDate = Date;
    const shift = input.virtualNow - RealDate.now();
    globalThis.Date = class extends RealDate {
      constructor(...args) { if (args.length === 0) super(RealDate.now() + shift); else super(...args); }
      static now() { return RealDate.now() + shift; }
    };
  }
  const deadline = Date.now() + input.timeoutMs;
  const context = {
    functionName: input.functionName, awsRequestId: input.requestId, invokedFunctionArn: input.functionArn,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  const emit = (o) => process.stdout.write('\\n${MARK}' + JSON.stringify(o) + '\\n', () => process.exit(0));
  try {
    const result = await require(input.entry)[input.exportName](input.event, context);
    emit({ result: result === undefined ? null : result });
  } catch (e) {
    emit({ errorType: (e && e.name) || 'Error', errorMessage: (e && e.message) || String(e) });
  }
});`;

/** Invokes `fn` with `event`, as Lambda's synchronous Invoke would; never throws. `kill` ends it as its timeout would. */
export function invokeHandler(
  fn: HandlerFunction, event: object, env: InvocationEnvironment, requestId: string, kill?: AbortSignal,
): Promise<InvocationOutcome> {
  const timeoutMs = fn.timeoutSeconds * 1000;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', SCRIPT], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        ...fn.environment,
        AWS_REGION: env.region,
        AWS_DEFAULT_REGION: env.region,
        AWS_ENDPOINT_URL: env.endpoint,
        AWS_ENDPOINT_URL_CLOUDFORMATION: env.cloudFormationEndpoint,
        AWS_ACCESS_KEY_ID: env.accessKeyId,
        AWS_SECRET_ACCESS_KEY: env.secretAccessKey,
        AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
        AWS_LAMBDA_FUNCTION_TIMEOUT: String(fn.timeoutSeconds),
        // Nothing from the machine's own AWS configuration may leak in.
        AWS_CONFIG_FILE: '/nonexistent/aws-config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const stop = () => {
      timedOut = true;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(stop, timeoutMs);
    kill?.addEventListener('abort', stop, { once: true });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      kill?.removeEventListener('abort', stop);
      const at = stdout.lastIndexOf(MARK);
      const logs = (at >= 0 ? stdout.slice(0, at) : stdout).split('\n').concat(stderr.split('\n')).filter((line) => line.trim() !== '');
      if (timedOut) {
        resolve({ ok: false, errorType: 'Sandbox.Timedout', errorMessage: `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`, logs });
        return;
      }
      if (at < 0) {
        resolve({ ok: false, errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${signal ? `signal: ${signal}` : `exit status ${code}`}`, logs });
        return;
      }
      const answer = JSON.parse(stdout.slice(at + MARK.length).split('\n')[0]);
      resolve('result' in answer ? { ok: true, result: answer.result, logs } : { ok: false, errorType: answer.errorType, errorMessage: answer.errorMessage, logs });
    });
    child.stdin.end(JSON.stringify({
      entry: fn.entry,
      exportName: fn.exportName,
      event,
      timeoutMs,
      functionName: fn.functionName,
      requestId,
      functionArn: `arn:aws:lambda:${env.region}:${env.accountId}:function:${fn.functionName}`,
      virtualNow: env.virtualNow,
    }));
  });
}
