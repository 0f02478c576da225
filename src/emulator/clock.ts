/**
 * The emulator's time. It stands still unless a test moves it, so every time-dependent outcome
 * (the 30-minute lead of StartFuotaTask, FUOTA task status, asynchronous OTA deletion, CreatedAt)
 * depends on the script, never on the machine's speed.
 *
 * `sleep` is for drivers that run handlers in virtual time: pass `(ms) => clock.sleep(ms)` as a
 * handler's sleep and `() => clock.now()` as its clock; a sleeper wakes when some other party
 * advances the clock past its due time (a scheduler loop, or a test).
 */
export class VirtualClock {
  private current: number;
  private readonly sleepers: { due: number; wake: () => void }[] = [];

  constructor(start: number | Date = Date.now()) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  /** Epoch milliseconds of virtual time. */
  public now(): number {
    return this.current;
  }

  public date(): Date {
    return new Date(this.current);
  }

  /** Moves time forward, waking every sleeper whose time has come, earliest first. */
  public advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`VirtualClock.advance: ms must be >= 0, got ${ms}`);
    this.set(this.current + ms);
  }

  /** Moves time to `epochMs`, which may not be in the past. */
  public set(epochMs: number): void {
    if (epochMs < this.current) throw new Error(`VirtualClock.set: time cannot go back from ${this.current} to ${epochMs}`);
    this.current = epochMs;
    const due = this.sleepers.filter((sleeper) => sleeper.due <= epochMs).sort((a, b) => a.due - b.due);
    for (const sleeper of due) {
      this.sleepers.splice(this.sleepers.indexOf(sleeper), 1);
      sleeper.wake();
    }
  }

  /** Resolves once the clock has been advanced by `ms` from now. */
  public sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => this.sleepers.push({ due: this.current + ms, wake: resolve }));
  }

  /** The earliest time a sleeper waits for, so a scheduler can jump straight to it. */
  public nextWakeUp(): number | undefined {
    return this.sleepers.length === 0 ? undefined : Math.min(...this.sleepers.map((sleeper) => sleeper.due));
  }

  /** How many sleepers wait. */
  public get sleeping(): number {
    return this.sleepers.length;
  }
}
