// The stop signals: the first SIGINT or SIGTERM aborts the run's signal with the shell's exit code, later ones are
// only acknowledged, and a stage that writes nothing is abandoned at once.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ShipError } from '../../src/errors.js';
import { StopSignals, Stopped, throwIfStopped, untilStopped } from '../../src/stop.js';

/** A process stand-in: signals are emitted by the test. */
function fakeProcess() {
  const emitter = new EventEmitter();
  return { emitter, target: emitter as unknown as Pick<NodeJS.Process, 'on' | 'off'> };
}

describe('StopSignals', () => {
  it('aborts on the first SIGINT with exit code 130, and only acknowledges the next', () => {
    const { emitter, target } = fakeProcess();
    const lines: string[] = [];
    const stop = new StopSignals((line) => lines.push(line), target);
    expect(stop.signal.aborted).toBe(false);
    expect(stop.exitCode).toBeUndefined();
    emitter.emit('SIGINT');
    expect(stop.signal.aborted).toBe(true);
    expect(stop.signal.reason).toBeInstanceOf(Stopped);
    expect(stop.exitCode).toBe(130);
    emitter.emit('SIGTERM');
    expect(stop.exitCode).toBe(130);
    expect(lines).toEqual(['SIGINT: stopping', 'SIGTERM: still stopping; a deploy write in flight is completed and then taken back']);
    stop.dispose();
    expect(emitter.listenerCount('SIGINT') + emitter.listenerCount('SIGTERM')).toBe(0);
  });

  it('gives 143 for SIGTERM, and the stop is a ShipError naming the signal', () => {
    const { emitter, target } = fakeProcess();
    const stop = new StopSignals(() => {}, target);
    emitter.emit('SIGTERM');
    expect(stop.exitCode).toBe(143);
    const error = (() => {
      try {
        throwIfStopped(stop.signal);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ShipError);
    expect((error as ShipError).message).toBe('stopped by SIGTERM');
    stop.dispose();
  });
});

describe('untilStopped', () => {
  it('returns the work when no stop comes', async () => {
    expect(await untilStopped(new AbortController().signal, async () => 42)).toBe(42);
    expect(await untilStopped(undefined, async () => 'no signal')).toBe('no signal');
  });

  it('stops waiting for work that never ends, and does not start work once stopped', async () => {
    const controller = new AbortController();
    const forever = untilStopped(controller.signal, () => new Promise<never>(() => {}));
    controller.abort(new Stopped('SIGINT'));
    await expect(forever).rejects.toThrow('stopped by SIGINT');
    let started = false;
    await expect(
      untilStopped(controller.signal, async () => {
        started = true;
      }),
    ).rejects.toThrow('stopped by SIGINT');
    expect(started).toBe(false);
  });

  it('swallows the later failure of abandoned work (no unhandled rejection)', async () => {
    const controller = new AbortController();
    let fail = (): void => {};
    const abandoned = untilStopped(controller.signal, () => new Promise<never>((_, reject) => (fail = () => reject(new Error('late')))));
    controller.abort(new Stopped('SIGTERM'));
    await expect(abandoned).rejects.toThrow('stopped by SIGTERM');
    fail();
    await new Promise((resolve) => setTimeout(resolve, 10));
  });
});
