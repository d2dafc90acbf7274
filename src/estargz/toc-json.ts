/**
 * The TOC JSON read as it streams. A small scanner walks the top-level object; each element of its `entries` array
 * is cut out and parsed on its own (JSON.parse), and so is the value of every other member (`version`). A TOC of any
 * length is read holding one entry at a time, where parsing the whole document would hold all of them, and the text,
 * at once. The scanner checks the structure JSON.parse would check between the values (braces, colons, commas); the
 * values themselves are checked by JSON.parse.
 */

/** One entry, or another member's value, larger than this is refused (an entry is a few hundred bytes). */
const MAX_VALUE_BYTES = 16 << 20;

export class TocJsonError extends Error {}

const enum State {
  Start,
  KeyOrEnd,
  Key,
  InKey,
  Colon,
  Value,
  InValue,
  AfterMember,
  FirstElement,
  Element,
  InElement,
  AfterElement,
  Done,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** What each byte is to the value scanner; most bytes are ORDINARY and cost one table look-up. */
const ORDINARY = 0;
const STRING = 1;
const ESCAPE = 2;
const OPEN = 3;
const CLOSE = 4;
const BYTE_KIND = new Uint8Array(256);
BYTE_KIND[QUOTE] = STRING;
BYTE_KIND[BACKSLASH] = ESCAPE;
BYTE_KIND[LBRACE] = OPEN;
BYTE_KIND[LBRACKET] = OPEN;
BYTE_KIND[RBRACE] = CLOSE;
BYTE_KIND[RBRACKET] = CLOSE;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Feed it the document in pieces with `write`, then call `end`. */
export class TocJsonScanner {
  private state = State.Start;
  /** The value of the `version` member (other members than it and `entries` are checked, then dropped). */
  version: unknown;
  /** Whether the `entries` member was there (an array). */
  sawEntries = false;
  private key = '';
  // The value being cut out: its pieces so far (copied), its kind and where its scan stands.
  private parts: Buffer[] = [];
  private partBytes = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** A number, `true`, `false` or `null`: it ends at the first byte that cannot be part of it. */
  private primitive = false;
  /** Bytes of the document before the current piece, and where the value being cut out starts. */
  private offset = 0;
  private valueStart = 0;

  /** Scans one piece; returns the entries it completed, parsed, in order. */
  write(piece: Buffer): unknown[] {
    const out: unknown[] = [];
    const n = piece.length;
    let i = 0;
    while (i < n) {
      const c = piece[i] as number;
      switch (this.state) {
        case State.Start:
          if (!isSpace(c)) {
            if (c !== LBRACE) this.fail('it does not start with an object', i);
            this.state = State.KeyOrEnd;
          }
          i += 1;
          break;
        case State.KeyOrEnd:
        case State.Key:
          if (isSpace(c)) i += 1;
          else if (c === RBRACE && this.state === State.KeyOrEnd) {
            this.state = State.Done;
            i += 1;
          } else if (c === QUOTE) {
            this.begin(false, i); // the name, quotes included, is cut out like a string value
            this.state = State.InKey;
          } else this.fail('a member name was expected', i);
          break;
        case State.InKey:
        case State.InValue:
        case State.InElement: {
          const end = this.scanValue(piece, i);
          if (end < 0) {
            this.keep(piece, i, n, true);
            i = n;
          } else {
            this.keep(piece, i, end, false);
            i = end;
            this.finishValue(out);
          }
          break;
        }
        case State.Colon:
          if (!isSpace(c)) {
            if (c !== COLON) this.fail('a colon was expected after a member name', i);
            this.state = State.Value;
          }
          i += 1;
          break;
        case State.Value:
          if (isSpace(c)) i += 1;
          else if (this.key === 'entries') {
            if (this.sawEntries) this.fail('the TOC has more than one "entries" member', i);
            if (c !== LBRACKET) this.fail('"entries" is not an array', i);
            this.sawEntries = true;
            this.state = State.FirstElement;
            i += 1;
          } else {
            this.beginAt(c, i);
            this.state = State.InValue;
          }
          break;
        case State.AfterMember:
          if (!isSpace(c)) {
            if (c === COMMA) this.state = State.Key;
            else if (c === RBRACE) this.state = State.Done;
            else this.fail('a comma or the end of the object was expected', i);
          }
          i += 1;
          break;
        case State.FirstElement:
        case State.Element:
          if (isSpace(c)) i += 1;
          else if (c === RBRACKET && this.state === State.FirstElement) {
            this.state = State.AfterMember;
            i += 1;
          } else if (c === RBRACKET || c === COMMA) this.fail('an entry was expected', i);
          else {
            this.beginAt(c, i);
            this.state = State.InElement;
          }
          break;
        case State.AfterElement:
          if (!isSpace(c)) {
            if (c === COMMA) this.state = State.Element;
            else if (c === RBRACKET) this.state = State.AfterMember;
            else this.fail('a comma or the end of "entries" was expected', i);
          }
          i += 1;
          break;
        case State.Done:
          if (!isSpace(c)) this.fail('something follows the TOC object', i);
          i += 1;
          break;
      }
    }
    this.offset += n;
    return out;
  }

  /** Says the document is complete. */
  end(): void {
    if (this.state !== State.Done) this.fail('the document ends early', 0);
  }

  /** A value starting with byte `c`: an object, array or string is scanned to its close; anything else is a primitive. */
  private beginAt(c: number, at: number): void {
    this.begin(!(c === LBRACE || c === LBRACKET || c === QUOTE), at);
  }

  private begin(primitive: boolean, at: number): void {
    this.valueStart = this.offset + at;
    this.parts = [];
    this.partBytes = 0;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.primitive = primitive;
  }

  /** Scans from `i` for the end of the value being cut out; returns the index just past it, or -1 when the piece ends first. */
  private scanValue(piece: Buffer, i: number): number {
    const n = piece.length;
    if (this.primitive) {
      for (; i < n; i += 1) {
        const c = piece[i] as number;
        if (isSpace(c) || c === COMMA || c === RBRACE || c === RBRACKET) return i;
      }
      return -1;
    }
    let { depth, inString } = this;
    if (this.escaped && i < n) {
      // The byte after a backslash that ended the previous piece.
      this.escaped = false;
      i += 1;
    }
    for (; i < n; i += 1) {
      const kind = BYTE_KIND[piece[i] as number] as number;
      if (kind === ORDINARY) continue;
      if (inString) {
        if (kind === ESCAPE) {
          i += 1; // the escaped byte is never structure
          if (i === n) this.escaped = true;
        } else if (kind === STRING) {
          inString = false;
          if (depth === 0) {
            this.inString = false;
            return i + 1;
          }
        }
      } else if (kind === STRING) inString = true;
      else if (kind === OPEN) depth += 1;
      else if (kind === CLOSE) {
        depth -= 1;
        if (depth === 0) {
          this.depth = 0;
          return i + 1;
        }
      }
    }
    this.depth = depth;
    this.inString = inString;
    return -1;
  }

  /** Keeps `piece[from, to)` as part of the value; copied when the value goes on in the next piece (which may reuse this one). */
  private keep(piece: Buffer, from: number, to: number, copy: boolean): void {
    if (to <= from) return;
    this.partBytes += to - from;
    if (this.partBytes > MAX_VALUE_BYTES) this.fail(`a value is larger than ${MAX_VALUE_BYTES} bytes`, to);
    this.parts.push(copy ? Buffer.from(piece.subarray(from, to)) : piece.subarray(from, to));
  }

  private finishValue(out: unknown[]): void {
    const text = (this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts)).toString('utf8');
    this.parts = [];
    this.partBytes = 0;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // JSON.parse's message quotes the text; an error never quotes what was read, only where.
      throw new TocJsonError(`the TOC is not JSON: the value at byte ${this.valueStart} does not parse`);
    }
    if (this.state === State.InKey) {
      this.key = value as string;
      this.state = State.Colon;
    } else if (this.state === State.InValue) {
      if (this.key === 'version') this.version = value;
      this.state = State.AfterMember;
    } else {
      out.push(value);
      this.state = State.AfterElement;
    }
  }

  private fail(message: string, at: number): never {
    throw new TocJsonError(`the TOC is not JSON: ${message} (at byte ${this.offset + at})`);
  }
}
