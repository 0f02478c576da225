// EventBridge DisableRule on the wire (a loopback server): the JSON 1.1 request, and errors shaped
// as the SDK's so callService retries throttling and reports the rest verbatim.
import { ScheduleRule } from '../../src/monitoring/handler/schedule-rule';
import { callService, isTransient } from '../../src/shared/service-call';
import { scriptedAnswer, startLoopbackServer, stopLoopbackServers } from '../support/loopback-server';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

afterEach(stopLoopbackServers);

async function ruleAnswering(...answers: { status: number; body: object }[]) {
  const server = await startLoopbackServer((_request, response, count) => {
    const answer = scriptedAnswer(answers, count)!;
    response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer.body));
  });
  return { server, rule: new ScheduleRule({ region: 'eu-west-1', endpoint: server.endpoint, credentials: async () => CREDENTIALS }) };
}

test('throttling (HTTP 400 ThrottlingException) is transient and retried; the retry succeeds', async () => {
  const { server, rule } = await ruleAnswering(
    { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } },
    { status: 200, body: {} },
  );
  await callService('DisableRule', () => rule.disable('r'), { deadline: Date.now() + 60_000, now: Date.now, sleep: async () => undefined });
  expect(server.requests.map((r) => [r.method, r.url, r.body])).toEqual([['POST', '/', '{"Name":"r"}'], ['POST', '/', '{"Name":"r"}']]);
});

test('another error keeps its type, namespace dropped, and message', async () => {
  const { rule } = await ruleAnswering({ status: 400, body: { __type: 'com.amazonaws.events#ResourceNotFoundException', message: 'Rule r does not exist.' } });
  const error = await rule.disable('r').catch((e: Error) => e);
  expect(error).toMatchObject({ name: 'ResourceNotFoundException', message: 'Rule r does not exist.', $metadata: { httpStatusCode: 400 } });
  expect(isTransient(error)).toBe(false);
});
