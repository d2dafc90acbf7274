/**
 * One pushed image deployed to several rooms: the deploy and verify stages run for each room in turn, with the
 * room's name before each line of their records. A room that fails was taken back in that room by its own deploy or
 * rollout (meshagent/deploy.ts, pipeline/rollout.ts); the rooms done before it keep the new image, and the rooms
 * after it are still deployed. The rooms go one at a time: each rollout restarts and waits in its own log group, a
 * stop completes the one write in flight and takes back only that room, and a room's failure is seen before the
 * next is touched.
 */
import { ShipError } from '../errors.js';
import { deployStage, type Deployed } from './deploy.js';
import type { Pushed } from './publish.js';
import type { ShipRun } from './run.js';
import { StageError } from './stages.js';
import { verifyStage, type Verified } from './verify.js';

/** What became of one room: what its stages reached, and its failure, if it failed. */
export interface RoomOutcome {
  readonly room: string;
  readonly reached: Deployed | Verified | undefined;
  readonly failure: StageError | undefined;
}

/** The value of a run to several rooms: the pushed image, and each room's outcome in the order given. */
export interface RoomsShipped extends Pushed {
  readonly rooms: readonly RoomOutcome[];
}

/** Deploys and verifies in each room; a room's failure is kept in its outcome, not thrown. */
export async function shipToRooms(run: ShipRun, pushed: Pushed, rooms: readonly string[]): Promise<RoomsShipped> {
  const outcomes: RoomOutcome[] = [];
  for (const room of rooms) {
    // A stopped run starts no other room; a failure every room would meet (a template, the Dockerfile) ends it too.
    if (run.signal?.aborted || outcomes.some((o) => failsEveryRoom(o.failure))) {
      outcomes.push({ room, reached: undefined, failure: new StageError('deploy', notReached(room, run)) });
      continue;
    }
    const from = run.stages.records.length;
    let reached: Deployed | Verified | undefined;
    try {
      reached = await deployStage(run, pushed, room);
      reached = await verifyStage(run, reached);
      outcomes.push({ room, reached, failure: undefined });
    } catch (error) {
      outcomes.push({ room, reached, failure: error instanceof StageError ? error : new StageError('deploy', error) });
    }
    run.stages.labelSince(from, room);
  }
  return { ...pushed, rooms: outcomes };
}

/** The failure of a run to several rooms: which rooms failed, each with its first line. */
class RoomsFailed extends ShipError {
  constructor(readonly outcomes: readonly RoomOutcome[]) {
    const failed = outcomes.filter((o) => o.failure !== undefined);
    const shipped = outcomes.filter((o) => o.failure === undefined).map((o) => o.room);
    super(`${failed.length} of ${outcomes.length} rooms failed: ${failed.map((o) => `${o.room} (${o.failure!.message.split('\n')[0]})`).join('; ')}`, {
      hint: `${shipped.length > 0 ? `${shipped.join(', ')} ${shipped.length === 1 ? 'runs' : 'run'} the new image; ` : ''}the rooms table says what became of each failed room: fix it and ship again`,
    });
  }
}

/** The run's error when a room failed: a StageError of the first failed room's stage, naming every failed room. */
export function roomsFailure(shipped: RoomsShipped): StageError | undefined {
  const first = shipped.rooms.find((o) => o.failure !== undefined);
  return first ? new StageError(first.failure!.stage, new RoomsFailed(shipped.rooms)) : undefined;
}

/** Inputs read the same for every room: an error about one of them (a template, the Dockerfile) fails each room alike. */
const SAME_IN_EVERY_ROOM: readonly (string | undefined)[] = ['service-template', 'values', 'set', 'file'];

function failsEveryRoom(failure: StageError | undefined): boolean {
  return failure?.original instanceof ShipError && SAME_IN_EVERY_ROOM.includes(failure.original.input);
}

function notReached(room: string, run: ShipRun): ShipError {
  return new ShipError(`room ${room} was not deployed: ${run.signal?.aborted ? 'the run was stopped' : 'the failure before it would fail it too'}`);
}
