/**
 * GPT-2's reversible byte ↔ unicode alphabet, used by every byte-level `tokenizer.json` and GGUF `gpt2` vocabulary:
 * printable Latin-1 bytes stand for themselves, the other 68 bytes for U+0100 upwards.
 */
const charToByte = new Map<number, number>();
const byteToChar: string[] = [];
{
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    const cp = printable ? b : 0x100 + extra++;
    charToByte.set(cp, b);
    byteToChar[b] = String.fromCharCode(cp);
  }
}

/** The raw bytes of a byte-level token string, or undefined if it uses a character outside the alphabet. */
export function byteLevelToBytes(token: string): Uint8Array | undefined {
  const out = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const b = charToByte.get(token.charCodeAt(i));
    if (b === undefined) return undefined;
    out[i] = b;
  }
  return out;
}

export function bytesToByteLevel(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += byteToChar[bytes[i]];
  return s;
}
