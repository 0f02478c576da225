// A real HTTP server on 127.0.0.1 for the client tests: the clients are tested on the wire, as
// the service would see them, rather than against a mocked transport.
import * as http from 'node:http';
import { AddressInfo } from 'node:net';

/** A request as the server received it, body complete. */
export interface ReceivedRequest {
  readonly method: string;
  /** The raw request target, exactly as sent: path and query, percent-encoding intact. */
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/**
 * Answers the `count`-th request (1-based); a handler that never ends `response` stands for a
 * service that hangs.
 */
export type LoopbackHandler = (request: ReceivedRequest, response: http.ServerResponse, count: number) => void;

/** A started loopback server. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, to give a client as its endpoint. */
  readonly endpoint: string;
  /** `127.0.0.1:<port>`, as the client's `host` header carries it. */
  readonly host: string;
  /** Every request received so far, in order. */
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

// Jest loads this module afresh for each test file, so the list holds one file's servers.
const running = new Set<LoopbackServer>();

/**
 * Starts a server on an ephemeral port that reads each request whole, records it in `requests`,
 * then hands it to `handle`. Close it, or call {@link stopLoopbackServers} after each test.
 */
export async function startLoopbackServer(handle: LoopbackHandler): Promise<LoopbackServer> {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      handle(request, res, requests.push(request));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const loopback: LoopbackServer = {
    endpoint: `http://${host}`,
    host,
    requests,
    close: async () => {
      running.delete(loopback);
      // A client may keep its connection alive (or a test may leave an answer hanging), which
      // would hold close() open; dropping the connections lets the server stop at once.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  running.add(loopback);
  return loopback;
}

/** Closes every server this test file started and did not close; for `afterEach`. */
export async function stopLoopbackServers(): Promise<void> {
  await Promise.all([...running].map((server) => server.close()));
}

/** What a scripted XML service (S3, CloudFormation) answers to one request. */
export interface XmlAnswer {
  readonly status: number;
  readonly body?: string;
}

/**
 * A loopback service that answers in XML from a script: the n-th request gets the n-th answer
 * (the last repeats), `unscripted` when the script is empty.
 */
export function startXmlService(contentType: string, answers: readonly XmlAnswer[], unscripted: XmlAnswer): Promise<LoopbackServer> {
  return startLoopbackServer((_request, response, count) => {
    const answer = scriptedAnswer(answers, count) ?? unscripted;
    response.writeHead(answer.status, answer.body ? { 'content-type': contentType } : {}).end(answer.body ?? '');
  });
}

/** The answer scripted for the `count`-th request (1-based): one per request, the last repeating. */
export function scriptedAnswer<A>(answers: readonly A[], count: number): A | undefined {
  return answers[Math.min(count, answers.length) - 1];
}
