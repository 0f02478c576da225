// The replay's live view in a terminal: one status line under the finished requests, naming every
// request still in flight and its latest isComplete poll. CloudFormation runs independent
// resources in parallel, so a line per request in flight would overwrite the others; one line that
// lists them all, redrawn in place, shows each.
import type { ReplayProgress, ReplayStep } from '../emulator/replay';

const SPINNER = ['|', '/', '-', '\\'];

/** What the view writes to: a terminal's text and width. */
export interface LiveTerminal {
  /** Columns of the terminal; the status line is cut to fit one row. */
  readonly columns: number;
  write(text: string): void;
}

export class LiveRequests {
  /** Requests in flight, by logical id, in the order they started: what the status line says of each. */
  private readonly inFlight = new Map<string, string>();
  private frame = 0;

  /**
   * @param terminal where the status line is drawn; undefined when the output is not a terminal,
   *   and then only `finished` is told
   * @param finished writes a finished request's line
   */
  constructor(private readonly terminal: LiveTerminal | undefined, private readonly finished: (step: ReplayStep) => void) {}

  /** Takes one progress report of the replay (its `onProgress`). */
  public report(progress: ReplayProgress): void {
    if (progress.kind === 'start') {
      this.inFlight.set(progress.logicalId, `${progress.requestType} ${progress.logicalId}`);
    } else if (progress.kind === 'poll') {
      const at = new Date(progress.virtualTime).toISOString().slice(11, 19);
      this.inFlight.set(progress.logicalId, `${progress.requestType} ${progress.logicalId} (isComplete #${progress.attempt}, ${at} virtual)`);
      this.frame++;
    } else {
      this.inFlight.delete(progress.step.logicalId);
      this.clear();
      this.finished(progress.step);
    }
    this.draw();
  }

  private draw(): void {
    if (!this.terminal) return;
    if (this.inFlight.size === 0) return this.clear();
    const status = `  ${SPINNER[this.frame % SPINNER.length]} ${this.inFlight.size} in flight: ${[...this.inFlight.values()].join(', ')}`;
    const width = Math.max(this.terminal.columns - 1, 20);
    this.terminal.write(`\r${status.length > width ? `${status.slice(0, width - 1)}…` : status}\x1b[K`);
  }

  private clear(): void {
    this.terminal?.write('\r\x1b[K');
  }
}
