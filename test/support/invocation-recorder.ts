// What the handler lifecycle tests (FUOTA and OTA) give a handler besides its service clients: a
// fixed clock, DescribeStacks answered from a script, and the logs, sleeps and stack queries
// recorded for the test to assert.
import type { HandlerInvocationContext } from '../../src/shared/handler-invocation';

export interface InvocationRecord {
  readonly logs: Record<string, unknown>[];
  readonly sleeps: number[];
  /** The stacks DescribeStacks was asked about, in order. */
  readonly stackQueries: string[];
  /** What DescribeStacks answers: a status, or an error to throw (one per call, the last repeats). */
  readonly stackAnswers: () => readonly (string | Error)[];
}

/** The invocation context at `now`, a minute before its deadline, recording into `record`. */
export function recordingInvocation(now: number, record: InvocationRecord): HandlerInvocationContext {
  return {
    stacks: {
      status: async (stackId) => {
        record.stackQueries.push(stackId);
        const answers = record.stackAnswers();
        const answer = answers[Math.min(record.stackQueries.length, answers.length) - 1];
        if (answer instanceof Error) throw answer;
        return answer;
      },
    },
    deadline: now + 60_000,
    now: () => now,
    log: (entry) => { record.logs.push(entry); },
    sleep: async (ms) => { record.sleeps.push(ms); },
    random: () => 0.5,
  };
}

/** A clock from `start` that moves on by `stepMs` each time the handler sleeps, for tests of the deadline. */
export function advancingClock(start: number, stepMs: number, sleeps: number[]): Pick<HandlerInvocationContext, 'now' | 'sleep'> {
  let time = start;
  return { now: () => time, sleep: async (ms) => { sleeps.push(ms); time += stepMs; } };
}
