/**
 * The room protocol client: a websocket session with a room (connect, reconnect within a deadline, classified
 * failures) and the calls a rollout makes (services with their states, restart, container logs). It knows the room
 * protocol and nothing of the pipeline, the report or the inputs.
 */
export { RoomError } from './errors.js';
export { RoomSession, type RoomSessionOptions } from './session.js';
export { followLogs, listServices, restartService, type ServiceState } from './services.js';
