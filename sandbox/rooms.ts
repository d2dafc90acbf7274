/**
 * The sandbox's room calls beyond create and get, as meshagent-api client.py has them: the paged list
 * (`GET …/rooms?page_size=&continuation_token=`, `RoomsPage {rooms, total, continuation_token}`) and the delete by
 * room id (`DELETE …/rooms/{room_id}`). Deleting a room takes its services with it (they live in the room), so the
 * runtime stops their containers; routes are project records and stay until deleted.
 */
import { ApiError } from './api-error.js';
import type { SandboxData } from './state.js';
import type { RoomRecord } from './wire/accounts.js';

/** One page of the project's rooms, continued by an opaque token as the repositories list is. */
export function listRooms(data: SandboxData, query: URLSearchParams): { rooms: RoomRecord[]; total: number; continuation_token: string | null } {
  const pageSize = Math.min(Math.max(Number(query.get('page_size') ?? 100) || 100, 1), 1000);
  const token = query.get('continuation_token');
  const start = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
  if (!Number.isInteger(start) || start < 0) throw new ApiError(400, 'invalid continuation_token');
  const page = data.rooms.slice(start, start + pageSize);
  const next = start + pageSize < data.rooms.length ? Buffer.from(String(start + pageSize)).toString('base64url') : null;
  return { rooms: page, total: data.rooms.length, continuation_token: next };
}

/** Removes the room with this id and its services; returns the room's name, whose runtime must reconcile. */
export function deleteRoom(data: SandboxData, id: string): string {
  const index = data.rooms.findIndex((room) => room.id === id);
  const room = data.rooms[index];
  if (!room) throw new ApiError(404, 'room not found');
  data.rooms.splice(index, 1);
  delete data.services[room.name];
  return room.name;
}
