/**
 * Python's notions of whitespace and digits, as the MeshAgent CLI applies them (`str.strip()`, `str.isdigit()`,
 * `str.isdecimal()`, `int()`), so a value the CLI accepts is accepted here and one it refuses is refused. JavaScript's
 * `trim()` and `[0-9]` differ: `trim()` also removes U+FEFF and keeps U+001C-U+001F and U+0085; `isdecimal()` is
 * true for the decimal digits of every script, and `isdigit()` also for digits such as superscripts and circled ones.
 */

/** The characters `str.isspace()` is true for (the same in every Python 3 since Unicode 6.3). */
const PYTHON_WHITESPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008,
  0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** Hexadecimal code point ranges, `first-last` or one code point, separated by spaces. */
function ranges(text: string): readonly (readonly [number, number])[] {
  return text
    .split(' ')
    .map((range) => range.split('-').map((hex) => Number.parseInt(hex, 16)))
    .map(([first = 0, last = first]) => [first, last] as const);
}

/*
 * Fixed tables from Python 3.13 (Unicode 15.1), the oldest Python the CLI runs on, so the answers do not change with
 * the Unicode version of the Node.js that runs this. Each decimal range is whole runs of 0 to 9, so a digit's value
 * is its distance from the range's start, modulo 10.
 */
/** `str.isdecimal()`: Numeric_Type Decimal. */
const DECIMAL_RANGES = ranges(
  '30-39 660-669 6f0-6f9 7c0-7c9 966-96f 9e6-9ef a66-a6f ae6-aef b66-b6f be6-bef c66-c6f ce6-cef d66-d6f de6-def e50-e59 ed0-ed9 f20-f29 1040-1049 1090-1099 17e0-17e9 1810-1819 1946-194f 19d0-19d9 1a80-1a89 1a90-1a99 1b50-1b59 1bb0-1bb9 1c40-1c49 1c50-1c59 a620-a629 a8d0-a8d9 a900-a909 a9d0-a9d9 a9f0-a9f9 aa50-aa59 abf0-abf9 ff10-ff19 104a0-104a9 10d30-10d39 11066-1106f 110f0-110f9 11136-1113f 111d0-111d9 112f0-112f9 11450-11459 114d0-114d9 11650-11659 116c0-116c9 11730-11739 118e0-118e9 11950-11959 11c50-11c59 11d50-11d59 11da0-11da9 11f50-11f59 16a60-16a69 16ac0-16ac9 16b50-16b59 1d7ce-1d7ff 1e140-1e149 1e2f0-1e2f9 1e4f0-1e4f9 1e950-1e959 1fbf0-1fbf9',
);
/** `str.isdigit()` but not `isdecimal()`: Numeric_Type Digit. */
const OTHER_DIGIT_RANGES = ranges(
  'b2-b3 b9 1369-1371 19da 2070 2074-2079 2080-2089 2460-2468 2474-247c 2488-2490 24ea 24f5-24fd 24ff 2776-277e 2780-2788 278a-2792 10a40-10a43 10e60-10e68 11052-1105a 1f100-1f10a',
);

function inRanges(table: readonly (readonly [number, number])[], char: string): readonly [number, number] | undefined {
  const code = char.codePointAt(0) ?? -1;
  return table.find(([first, last]) => code >= first && code <= last);
}

function isPythonSpace(char: string): boolean {
  return PYTHON_WHITESPACE.has(char.codePointAt(0) ?? -1);
}

/** `str.strip()` with no argument: Python's whitespace removed from both ends. */
export function pyStrip(value: string): string {
  const chars = [...value];
  let start = 0;
  let end = chars.length;
  while (start < end && isPythonSpace(chars[start] ?? '')) start++;
  while (end > start && isPythonSpace(chars[end - 1] ?? '')) end--;
  return chars.slice(start, end).join('');
}

/** `str.isdecimal()`: at least one character, and every character a decimal digit of some script. */
export function pyIsDecimal(value: string): boolean {
  return value !== '' && [...value].every((char) => inRanges(DECIMAL_RANGES, char) !== undefined);
}

/** `str.isdigit()`: at least one character, and every character a digit (decimal, or such as ² or ①). */
export function pyIsDigit(value: string): boolean {
  return value !== '' && [...value].every((char) => inRanges(DECIMAL_RANGES, char) ?? inRanges(OTHER_DIGIT_RANGES, char));
}

/** `int(value)` of a string `pyIsDecimal` accepts: the digits of any script, read in base 10. */
export function pyDecimalValue(value: string): number {
  return [...value].reduce((total, char) => {
    const range = inRanges(DECIMAL_RANGES, char);
    if (range === undefined) throw new Error(`not a decimal digit: ${char}`);
    return total * 10 + (((char.codePointAt(0) ?? 0) - range[0]) % 10);
  }, 0);
}

/** `shlex.quote`: a word as a POSIX shell reads it back, quoted only when it holds more than `\w@%+=:,./-` (ASCII). */
export function pyShlexQuote(word: string): string {
  if (word === '') return "''";
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}

/**
 * `shlex.split(text, comments=False, posix=True)`: words split at spaces, tabs and line ends; `'...'` literal, `"..."` with `\`
 * escaping only `"` and `\`, `\` outside quotes escaping any character. Throws on an unclosed quote or a trailing
 * `\`, as shlex does ("No closing quotation", "No escaped character").
 */
export function pyShlexSplit(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] ?? '';
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && (chars[i + 1] === '"' || chars[i + 1] === '\\')) word += chars[++i] ?? '';
      else word += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      word ??= '';
    } else if (char === '\\') {
      if (i + 1 >= chars.length) throw new Error('No escaped character');
      word = (word ?? '') + (chars[++i] ?? '');
    } else if (' \t\r\n'.includes(char)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + char;
    }
  }
  if (quote !== undefined) throw new Error('No closing quotation');
  if (word !== undefined) words.push(word);
  return words;
}
