/**
 * The ports MeshAgent keeps for room infrastructure, which no room service may use: the room's internal API port
 * (meshagent-api room_ports.py, RESERVED_ROOM_SERVICE_PORTS). The inputs, the spec builder and the wire schema all
 * check against this one list.
 */
export const RESERVED_ROOM_SERVICE_PORTS: readonly number[] = [8078];
