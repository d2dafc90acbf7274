// Stopping a run: the first signal aborts, a deploy in flight holds the exit back, the scratch dirs go on exit.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ShipError } from '../../src/errors.js';
import { RunStop, Stopped, throwIfStopped } from '../../src/stop.js';

function stopWithExit(graceMs = 60_000) {
  const exits: number[] = [];
  const lines: string[] = [];
  const stop = new RunStop({ graceMs, exit: (code) => void exits.push(code), log: (line) => lines.push(line) });
  return { stop, exits, lines };
}

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stop-test-'));
  mkdirSync(join(dir, 'nested'));
  writeFileSync(join(dir, 'nested', 'file'), 'x');
  return dir;
}

describe('RunStop', () => {
  it('aborts its signal at the first SIGINT or SIGTERM, with the shell exit code of that signal', () => {
    for (const [name, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      const { stop, exits, lines } = stopWithExit();
      expect(stop.stopped).toBeUndefined();
      stop.receive(name);
      expect(stop.signal.aborted).toBe(true);
      expect(stop.stopped).toBeInstanceOf(Stopped);
      expect(stop.stopped?.message).toBe(`stopped by ${name}`);
      expect(stop.stopped?.exitCode).toBe(code);
      expect(lines).toEqual([`${name}: stopping the run`]);
      expect(exits).toEqual([]);
    }
  });

  it('exits at a second signal, removing the scratch directories first', () => {
    const { stop, exits } = stopWithExit();
    const dir = scratchDir();
    const kept = scratchDir();
    stop.removeOnExit(dir);
    stop.removeOnExit(kept)(); // the run removed it itself: no longer the stop's to remove
    stop.receive('SIGINT');
    expect(existsSync(dir)).toBe(true);
    stop.receive('SIGTERM');
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(kept)).toBe(true);
    expect(exits).toEqual([130]);
  });

  it('exits when the run has not ended within the grace time', async () => {
    vi.useFakeTimers();
    try {
      const { stop, exits } = stopWithExit(5_000);
      stop.receive('SIGTERM');
      await vi.advanceTimersByTimeAsync(4_999);
      expect(exits).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(exits).toEqual([143]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('lets a deploy in flight finish before it exits, however many signals come, and leaves a moment to report', async () => {
    vi.useFakeTimers();
    try {
      const { stop, exits, lines } = stopWithExit();
      let finish = (): void => {};
      const deploy = stop.uninterrupted(() => new Promise<string>((resolve) => (finish = () => resolve('deployed'))));
      stop.receive('SIGINT');
      stop.receive('SIGTERM');
      stop.receive('SIGTERM');
      expect(lines).toEqual([
        'SIGINT: stopping the run once the deploy in flight has completed',
        'waiting for the deploy in flight to complete before exiting',
        'waiting for the deploy in flight to complete before exiting',
      ]);
      expect(exits).toEqual([]);
      finish();
      await expect(deploy).resolves.toBe('deployed');
      // The run reports what the deploy did; the process exits a moment later if it has not ended by then.
      expect(exits).toEqual([]);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(exits).toEqual([130]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('listens to the process signals only while listening', () => {
    const { stop } = stopWithExit();
    const before = process.listenerCount('SIGINT');
    const stopListening = stop.listen();
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    expect(process.listenerCount('SIGTERM')).toBeGreaterThan(0);
    process.emit('SIGINT', 'SIGINT');
    expect(stop.stopped?.signalName).toBe('SIGINT');
    stopListening();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('gives its stop as a ShipError naming the signal to whoever checks before a write', () => {
    const { stop } = stopWithExit();
    expect(() => throwIfStopped(stop.signal)).not.toThrow();
    stop.receive('SIGTERM');
    expect(() => throwIfStopped(stop.signal)).toThrow(ShipError);
    expect(() => throwIfStopped(stop.signal)).toThrow('stopped by SIGTERM');
  });

  it('ends the process with the signal code once the run has reported, and not at all when nothing stopped it', async () => {
    const { stop, exits } = stopWithExit();
    stop.finish();
    stop.receive('SIGINT');
    stop.finish();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(exits).toEqual([130]);
  });
});
