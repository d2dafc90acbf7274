/**
 * The room protocol's framing over a websocket, as MeshAgent's clients speak it (meshagent-api protocol.py,
 * meshagent-ts protocol.ts). Each websocket message is one binary packet. A protocol message is a header packet
 * (8-byte message id, 4-byte packet number 0, 4-byte packet count, then the message type in UTF-8) followed by that
 * many data packets (8-byte message id, 4-byte packet number counting from 1, then at most 1024 bytes of data).
 * All numbers are big-endian. A message's packets are never interleaved with another message's.
 */

/** Data bytes per packet: what both upstream clients send; a receiver joins whatever sizes arrive. */
export const PACKET_DATA_SIZE = 1024;

const ID_BYTES = 8;
const DATA_PACKET_HEADER = ID_BYTES + 4;
const HEADER_PACKET_HEADER = ID_BYTES + 8;

export interface ProtocolMessage {
  /** The sender's message number; a response carries the number of the request it answers. */
  readonly id: number;
  readonly type: string;
  readonly data: Buffer;
}

/** Packets that break the framing: the connection cannot go on. */
export class FramingError extends Error {}

function writeId(packet: Buffer, id: number): void {
  packet.writeUInt32BE(Math.floor(id / 2 ** 32), 0);
  packet.writeUInt32BE(id % 2 ** 32, 4);
}

function readId(packet: Buffer): number {
  return packet.readUInt32BE(0) * 2 ** 32 + packet.readUInt32BE(4);
}

/** The packets of one message, in the order they must be sent. */
export function encodeMessage(message: ProtocolMessage): Buffer[] {
  const count = Math.ceil(message.data.length / PACKET_DATA_SIZE);
  const type = Buffer.from(message.type, 'utf8');
  const header = Buffer.alloc(HEADER_PACKET_HEADER + type.length);
  writeId(header, message.id);
  header.writeUInt32BE(0, 8);
  header.writeUInt32BE(count, 12);
  type.copy(header, HEADER_PACKET_HEADER);
  const packets = [header];
  for (let index = 0; index < count; index++) {
    const part = message.data.subarray(index * PACKET_DATA_SIZE, (index + 1) * PACKET_DATA_SIZE);
    const packet = Buffer.alloc(DATA_PACKET_HEADER + part.length);
    writeId(packet, message.id);
    packet.writeUInt32BE(index + 1, 8);
    part.copy(packet, DATA_PACKET_HEADER);
    packets.push(packet);
  }
  return packets;
}

/**
 * Joins incoming packets into messages. Stricter than the clients, which log a broken sequence and wait for the
 * next header packet: the sandbox refuses it, so a client that frames wrongly is caught rather than half-served.
 */
export class MessageAssembler {
  private current: { id: number; type: string; total: number; parts: Buffer[] } | undefined;
  private size = 0;

  /** @param maxMessageBytes the largest message accepted; beyond it the connection is refused. */
  constructor(private readonly maxMessageBytes: number) {}

  /** Takes one packet; returns the message it completes, if any. */
  push(packet: Buffer): ProtocolMessage | undefined {
    if (packet.length < DATA_PACKET_HEADER) throw new FramingError(`a packet of ${packet.length} bytes is shorter than its header`);
    const id = readId(packet);
    const number = packet.readUInt32BE(8);
    if (number === 0) return this.start(id, packet);
    const current = this.current;
    if (!current) throw new FramingError(`data packet ${number} of message ${id} came without its header packet`);
    if (id !== current.id) throw new FramingError(`data packet of message ${id} came inside message ${current.id}`);
    if (number !== current.parts.length + 1) throw new FramingError(`packet ${number} of message ${id} came out of order`);
    this.size += packet.length - DATA_PACKET_HEADER;
    if (this.size > this.maxMessageBytes) throw new FramingError(`message ${id} is larger than ${this.maxMessageBytes} bytes`);
    current.parts.push(packet.subarray(DATA_PACKET_HEADER));
    if (current.parts.length < current.total) return undefined;
    this.current = undefined;
    return { id, type: current.type, data: Buffer.concat(current.parts) };
  }

  private start(id: number, packet: Buffer): ProtocolMessage | undefined {
    if (this.current) throw new FramingError(`message ${id} began before message ${this.current.id} was complete`);
    if (packet.length < HEADER_PACKET_HEADER) throw new FramingError(`the header packet of message ${id} is too short`);
    const total = packet.readUInt32BE(12);
    const type = packet.subarray(HEADER_PACKET_HEADER).toString('utf8');
    if (total === 0) return { id, type, data: Buffer.alloc(0) };
    this.current = { id, type, total, parts: [] };
    this.size = 0;
    return undefined;
  }
}
