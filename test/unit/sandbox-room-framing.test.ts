// The room protocol's framing and message bodies as the sandbox writes and reads them, checked against MeshAgent's
// own SDK: the packets the sandbox sends are byte for byte those the SDK's Protocol sends for the same message, the
// sandbox joins the SDK's packets back into the message, and message bodies and API keys read the same both ways.
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packMessage, unpackMessage } from '../../sandbox/room/content.js';
import { encodeMessage, FramingError, MessageAssembler, PACKET_DATA_SIZE } from '../../sandbox/room/framing.js';
import { parseApiKey } from '../../sandbox/participant-token.js';
import { newApiKey } from '../../sandbox/state.js';

const sdk = createRequire(import.meta.url)('@meshagent/meshagent') as typeof import('@meshagent/meshagent');

/** The packets the SDK's Protocol sends for one message. */
async function sdkPackets(id: number, type: string, data: Uint8Array): Promise<Buffer[]> {
  const sent: Buffer[] = [];
  const protocol = new sdk.Protocol({
    channel: { start: () => undefined, dispose: () => undefined, sendData: async (packet: Uint8Array) => void sent.push(Buffer.from(packet)) },
  });
  protocol.start();
  await protocol.send(type, data, id);
  protocol.close();
  return sent;
}

const messages = fc.record({
  id: fc.integer({ min: 0, max: 2 ** 40 }),
  type: fc.string({ minLength: 1, maxLength: 40 }),
  data: fc.uint8Array({ maxLength: 3 * PACKET_DATA_SIZE + 7 }),
});

describe('room protocol framing', () => {
  it("sends the SDK's packets and reads them back", async () => {
    await fc.assert(
      fc.asyncProperty(messages, async ({ id, type, data }) => {
        const ours = encodeMessage({ id, type, data: Buffer.from(data) });
        expect(ours).toEqual(await sdkPackets(id, type, data));
        const assembler = new MessageAssembler(1 << 20);
        const joined = ours.map((packet) => assembler.push(packet));
        expect(joined.slice(0, -1).every((m) => m === undefined)).toBe(true);
        expect(joined.at(-1)).toEqual({ id, type, data: Buffer.from(data) });
      }),
      { numRuns: 60 },
    );
  });

  it('splits data at 1024 bytes and sends no data packet for an empty message', () => {
    expect(encodeMessage({ id: 1, type: 't', data: Buffer.alloc(0) })).toHaveLength(1);
    expect(encodeMessage({ id: 1, type: 't', data: Buffer.alloc(1024) })).toHaveLength(2);
    expect(encodeMessage({ id: 1, type: 't', data: Buffer.alloc(1025) }).map((p) => p.length)).toEqual([17, 12 + 1024, 12 + 1]);
  });

  it('refuses packets out of order, from another message, or past the size limit', () => {
    const [header, first, second] = encodeMessage({ id: 3, type: 't', data: Buffer.alloc(1500) }) as [Buffer, Buffer, Buffer];
    const broken =
      (packets: Buffer[], limit = 1 << 20) =>
      () => {
        const assembler = new MessageAssembler(limit);
        for (const packet of packets) assembler.push(packet);
      };
    expect(broken([first])).toThrow(new FramingError('data packet 1 of message 3 came without its header packet'));
    expect(broken([header, second])).toThrow('packet 2 of message 3 came out of order');
    expect(broken([header, header])).toThrow('message 3 began before message 3 was complete');
    const [otherHeader] = encodeMessage({ id: 4, type: 't', data: Buffer.alloc(10) });
    expect(broken([otherHeader as Buffer, first])).toThrow('data packet of message 3 came inside message 4');
    expect(broken([header, first], 1000)).toThrow('message 3 is larger than 1000 bytes');
    expect(broken([Buffer.alloc(5)])).toThrow('shorter than its header');
  });
});

describe('room protocol message bodies', () => {
  it('reads and writes what the SDK packs', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.uint8Array({ maxLength: 64 }), (header, payload) => {
        const [sdkHeader, sdkPayload] = sdk.unpackMessage(packMessage(header, payload));
        expect(sdkHeader).toEqual(JSON.parse(JSON.stringify(header)));
        expect(Buffer.from(sdkPayload)).toEqual(Buffer.from(payload));
        const ours = unpackMessage(Buffer.from(sdk.packMessage(header, payload)));
        expect(ours.header).toEqual(JSON.parse(JSON.stringify(header)));
        expect(ours.payload).toEqual(Buffer.from(payload));
      }),
    );
  });

  it('refuses a body whose header is cut short or is not a JSON object', () => {
    expect(() => unpackMessage(Buffer.alloc(3))).toThrow('shorter than its header length');
    const cut = packMessage({ a: 1 }).subarray(0, 10);
    expect(() => unpackMessage(cut)).toThrow('runs past the end');
    expect(() => unpackMessage(Buffer.from(sdk.packMessage([1, 2] as unknown as Record<string, unknown>)))).toThrow('not a JSON object');
  });
});

describe('API keys', () => {
  it("read as the SDK's parseApiKey reads them, also when the secret holds '-'", () => {
    for (let i = 0; i < 50; i++) {
      const key = newApiKey(crypto.randomUUID());
      expect(parseApiKey(key)).toEqual(sdk.parseApiKey(key));
    }
    expect(parseApiKey('ma-short-key')).toBeUndefined();
    expect(parseApiKey('sk-not-a-meshagent-key')).toBeUndefined();
  });
});
