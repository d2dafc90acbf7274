/**
 * The writes a deploy has made, each with the write that takes it back, so a deploy that cannot finish puts back
 * what it changed (newest first) instead of leaving a service half-updated.
 */

export interface UndoStep {
  /** What undoing does to what was written: puts the previous state back, or deletes what was new. */
  readonly effect: 'restored' | 'removed';
  /** What the step acts on: the result's rollback speaks of the service, and of a route only when no service was written. */
  readonly target: 'service' | 'route';
  /** Said when undoing worked, e.g. "service web was restored to the spec it had before". */
  readonly undone: string;
  /** Said when undoing failed: what is left as it should not be, and what to do about it by hand. */
  readonly leftover: { readonly what: string; readonly fix: string };
  /** Takes the write back; a text it returns is said instead of `undone` (e.g. why it left something as it found it). */
  readonly run: () => Promise<string | void>;
}

export interface UndoReport {
  readonly undone: readonly string[];
  /** The effect of each step undone, with what it acted on. */
  readonly effects: readonly Pick<UndoStep, 'effect' | 'target'>[];
  readonly failed: readonly { readonly step: UndoStep; readonly error: unknown }[];
}

export class UndoLog {
  private readonly steps: UndoStep[] = [];

  add(step: UndoStep): void {
    this.steps.push(step);
  }

  get empty(): boolean {
    return this.steps.length === 0;
  }

  /** Undoes every step, newest first. A step that fails does not stop the others: each is worth taking back. */
  async undoAll(log: (line: string) => void): Promise<UndoReport> {
    const undone: string[] = [];
    const effects: Pick<UndoStep, 'effect' | 'target'>[] = [];
    const failed: { step: UndoStep; error: unknown }[] = [];
    for (const step of [...this.steps].reverse()) {
      try {
        const said = await step.run();
        undone.push(said ?? step.undone);
        effects.push({ effect: step.effect, target: step.target });
        log(`Rolled back: ${said ?? step.undone}`);
      } catch (error) {
        failed.push({ step, error });
      }
    }
    this.steps.length = 0;
    return { undone, effects, failed };
  }
}
