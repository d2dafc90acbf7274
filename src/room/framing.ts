/**
 * The room protocol's framing over a websocket, as MeshAgent's clients speak it: each websocket message is one
 * binary packet. A message is a header packet (8-byte message id, 4-byte packet number 0, 4-byte count of data
 * packets, then the message type in UTF-8) followed by that many data packets (8-byte message id, 4-byte packet
 * number counting from 1, then up to 1 KiB of the message's data). Numbers are big-endian; one message's packets
 * are never interleaved with another's.
 */

/** Data bytes per packet, as the upstream clients send them; any size is accepted on receipt. */
const CHUNK_BYTES = 1024;
const HEADER_PACKET_BYTES = 16;
const DATA_PACKET_BYTES = 12;

export interface Message {
  /** The sender's message number; an answer carries the number of the request it answers. */
  readonly id: number;
  readonly type: string;
  readonly data: Buffer;
}

/** Packets that break the framing: the connection cannot be trusted any more. */
export class FramingError extends Error {}

function putId(packet: Buffer, id: number): void {
  packet.writeUInt32BE(Math.floor(id / 0x1_0000_0000), 0);
  packet.writeUInt32BE(id >>> 0, 4);
}

function getId(packet: Buffer): number {
  return packet.readUInt32BE(0) * 0x1_0000_0000 + packet.readUInt32BE(4);
}

/** The packets of one message, in sending order. */
export function toPackets(message: Message): Buffer[] {
  const type = Buffer.from(message.type, 'utf8');
  const count = Math.ceil(message.data.length / CHUNK_BYTES);
  const header = Buffer.alloc(HEADER_PACKET_BYTES + type.length);
  putId(header, message.id);
  header.writeUInt32BE(0, 8);
  header.writeUInt32BE(count, 12);
  type.copy(header, HEADER_PACKET_BYTES);
  const packets = [header];
  for (let number = 1; number <= count; number++) {
    const chunk = message.data.subarray((number - 1) * CHUNK_BYTES, number * CHUNK_BYTES);
    const packet = Buffer.alloc(DATA_PACKET_BYTES + chunk.length);
    putId(packet, message.id);
    packet.writeUInt32BE(number, 8);
    chunk.copy(packet, DATA_PACKET_BYTES);
    packets.push(packet);
  }
  return packets;
}

/** Joins received packets into messages. */
export class PacketReader {
  private pending: { id: number; type: string; expected: number; chunks: Buffer[]; bytes: number } | undefined;

  /** @param maxBytes the largest message taken; a larger one breaks the connection rather than the memory. */
  constructor(private readonly maxBytes: number) {}

  /** Takes one packet; returns the message it completes, if it completes one. */
  read(packet: Buffer): Message | undefined {
    if (packet.length < DATA_PACKET_BYTES) throw new FramingError(`a ${packet.length}-byte packet is shorter than a packet header`);
    const id = getId(packet);
    const number = packet.readUInt32BE(8);
    if (number === 0) {
      if (packet.length < HEADER_PACKET_BYTES) throw new FramingError(`the header packet of message ${id} is cut short`);
      const expected = packet.readUInt32BE(12);
      const type = packet.subarray(HEADER_PACKET_BYTES).toString('utf8');
      if (expected === 0) return { id, type, data: Buffer.alloc(0) };
      this.pending = { id, type, expected, chunks: [], bytes: 0 };
      return undefined;
    }
    const pending = this.pending;
    if (!pending || pending.id !== id || number !== pending.chunks.length + 1) throw new FramingError(`packet ${number} of message ${id} came out of sequence`);
    pending.bytes += packet.length - DATA_PACKET_BYTES;
    if (pending.bytes > this.maxBytes) throw new FramingError(`message ${id} is larger than ${this.maxBytes} bytes`);
    pending.chunks.push(packet.subarray(DATA_PACKET_BYTES));
    if (pending.chunks.length < pending.expected) return undefined;
    this.pending = undefined;
    return { id, type: pending.type, data: Buffer.concat(pending.chunks) };
  }
}
