import type { AddedTokenSpec } from './spec';

interface Node {
  next: Map<number, Node>;
  token: AddedTokenSpec | undefined;
}

/**
 * Finds added/special tokens in text, leftmost-longest (Hugging Face's Aho-Corasick `LeftmostLongest`; tiktoken's
 * special-token regex is an alternation that behaves the same for its non-overlapping specials). A trie over UTF-16
 * units with a first-unit filter keeps the scan cheap on text that contains none.
 */
export class AddedTokenMatcher {
  private readonly root: Node = { next: new Map(), token: undefined };
  private readonly first = new Uint8Array(65536);
  readonly size: number;
  /** Whether any token matches without special tokens being allowed. */
  readonly hasNonSpecial: boolean;

  constructor(tokens: readonly AddedTokenSpec[]) {
    for (const t of tokens) {
      if (t.content.length === 0) continue;
      let node = this.root;
      for (let i = 0; i < t.content.length; i++) {
        const c = t.content.charCodeAt(i);
        let child = node.next.get(c);
        if (!child) node.next.set(c, (child = { next: new Map(), token: undefined }));
        node = child;
      }
      // The first token with a given content wins, as in HF's added vocabulary.
      if (!node.token) node.token = t;
      this.first[t.content.charCodeAt(0)] = 1;
    }
    this.size = tokens.length;
    this.hasNonSpecial = tokens.some((t) => !t.special);
  }

  /**
   * Walks `text[from, to)`, calling `onText` for the stretches between matches and `onToken` for each match that
   * `allow` accepts. Ranges are UTF-16 offsets; a token's range includes whitespace absorbed by lstrip/rstrip.
   */
  split(
    text: string,
    from: number,
    to: number,
    allow: (t: AddedTokenSpec) => boolean,
    onText: (start: number, end: number) => void,
    onToken: (t: AddedTokenSpec, start: number, end: number) => void,
  ): void {
    let textStart = from;
    let i = from;
    const first = this.first;
    while (i < to) {
      if (!first[text.charCodeAt(i)]) {
        i++;
        continue;
      }
      let node: Node | undefined = this.root;
      let best: AddedTokenSpec | undefined;
      let bestEnd = -1;
      for (let j = i; j < to && node; j++) {
        node = node.next.get(text.charCodeAt(j));
        if (node?.token && allow(node.token) && this.boundaryOk(node.token, text, i, j + 1, from, to)) {
          best = node.token;
          bestEnd = j + 1;
        }
      }
      if (!best) {
        i++;
        continue;
      }
      let start = i;
      let end = bestEnd;
      if (best.lstrip) while (start > textStart && isSpace(text.charCodeAt(start - 1))) start--;
      if (best.rstrip) while (end < to && isSpace(text.charCodeAt(end))) end++;
      if (start > textStart) onText(textStart, start);
      onToken(best, start, end);
      textStart = i = end;
    }
    if (textStart < to) onText(textStart, to);
  }

  private boundaryOk(t: AddedTokenSpec, text: string, start: number, end: number, from: number, to: number): boolean {
    if (!t.singleWord) return true;
    const before = start > from ? text.charCodeAt(start - 1) : -1;
    const after = end < to ? text.charCodeAt(end) : -1;
    return !isWordUnit(before) && !isWordUnit(after);
  }
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x3000 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x85 || c === 0x1680 || c === 0x202f || c === 0x205f;
}

const wordRe = /[\p{L}\p{N}_]/u;
function isWordUnit(c: number): boolean {
  if (c < 0) return false;
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  return wordRe.test(String.fromCharCode(c));
}
