/**
 * The room's `services` toolkit (meshagent-api room_server_client.py:3240-3341): `list` answers the room's service
 * specs (each as a JSON string) with the runtime's states, `restart` replaces a service's container.
 */
import { z } from 'zod';
import { content, ErrorCode } from './content.js';
import { RoomRuntimeError, type ServiceRuntimeState } from '../runtime/types.js';
import { parseArguments, requireGrant, ToolError, type CallTool, type ToolContext } from './toolkit.js';

/** A state with only the fields of the upstream model, so nothing the runtime keeps for itself goes out. */
function wireState(state: ServiceRuntimeState): Record<string, unknown> {
  return {
    service_id: state.service_id,
    state: state.state,
    container_id: state.container_id ?? null,
    restart_scheduled_at: state.restart_scheduled_at ?? null,
    started_at: state.started_at ?? null,
    restart_count: state.restart_count,
    last_exit_code: state.last_exit_code ?? null,
    last_exit_at: state.last_exit_at ?? null,
    status: {
      ports: state.status.ports.map((port) => ({
        num: port.num,
        liveness: port.liveness ?? null,
        liveness_status: port.liveness_status,
        last_error: port.last_error ?? null,
      })),
    },
    events: [],
  };
}

function roomServices(context: ToolContext) {
  return context.state.data.services[context.room] ?? [];
}

const list: CallTool = {
  kind: 'call',
  run: async (context, args) => {
    parseArguments(z.strictObject({}), args, 'services.list');
    // ServicesGrant has one switch, `list` (default true).
    if (requireGrant(context, 'services', 'services.list').list === false) {
      throw new ToolError(ErrorCode.PERMISSION_DENIED, 'permission denied: the services grant does not allow list');
    }
    return content.json({
      services_json: roomServices(context).map((spec) => JSON.stringify(spec)),
      service_states: context.runtime.list(context.room).map(wireState),
    });
  },
};

const restart: CallTool = {
  kind: 'call',
  run: async (context, args) => {
    const { service_id } = parseArguments(z.strictObject({ service_id: z.string() }), args, 'services.restart');
    // The grant that names services is the one asked for; upstream's check is not public (inference).
    requireGrant(context, 'services', 'services.restart');
    if (!roomServices(context).some((spec) => spec.id === service_id)) {
      throw new ToolError(ErrorCode.SERVICE_NOT_FOUND, `service not found in room ${context.room}: ${service_id}`);
    }
    try {
      await context.runtime.restart(context.room, service_id);
    } catch (error) {
      if (error instanceof RoomRuntimeError) throw new ToolError(ErrorCode.SERVICE_NOT_FOUND, error.message);
      throw new ToolError(ErrorCode.OPERATION_FAILED, `restart failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return content.empty();
  },
};

export const servicesToolkit = { list, restart };
