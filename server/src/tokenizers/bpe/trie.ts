/**
 * A byte trie over token byte strings, answering "which tokens start with these bytes" — the question FIM de-biasing
 * asks for every split point. Stored as flat typed arrays (first child / next sibling) so 200k tokens cost a few MB.
 */
export class ByteTrie {
  private firstChild: Int32Array;
  private nextSibling: Int32Array;
  private label: Uint8Array;
  private tokenId: Int32Array;
  private nodes = 1;

  constructor(tokens: Iterable<[number, Uint8Array]>) {
    let cap = 1 << 16;
    this.firstChild = new Int32Array(cap).fill(-1);
    this.nextSibling = new Int32Array(cap).fill(-1);
    this.label = new Uint8Array(cap);
    this.tokenId = new Int32Array(cap).fill(-1);
    for (const [id, bytes] of tokens) {
      let node = 0;
      for (let i = 0; i < bytes.length; i++) {
        let child = this.child(node, bytes[i]);
        if (child < 0) {
          if (this.nodes === cap) {
            cap *= 2;
            this.grow(cap);
          }
          child = this.nodes++;
          this.label[child] = bytes[i];
          this.nextSibling[child] = this.firstChild[node];
          this.firstChild[node] = child;
        }
        node = child;
      }
      if (this.tokenId[node] < 0 || id < this.tokenId[node]) this.tokenId[node] = id;
    }
  }

  /** Ids whose bytes start with `prefix` (including an exact match), in ascending order. */
  withPrefix(prefix: Uint8Array): number[] {
    let node = 0;
    for (let i = 0; i < prefix.length && node >= 0; i++) node = this.child(node, prefix[i]);
    if (node < 0) return [];
    const out: number[] = [];
    const stack = [node];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (this.tokenId[n] >= 0) out.push(this.tokenId[n]);
      for (let c = this.firstChild[n]; c >= 0; c = this.nextSibling[c]) stack.push(c);
    }
    return out.sort((a, b) => a - b);
  }

  private child(node: number, byte: number): number {
    for (let c = this.firstChild[node]; c >= 0; c = this.nextSibling[c]) if (this.label[c] === byte) return c;
    return -1;
  }

  private grow(cap: number): void {
    const grow32 = (a: Int32Array) => {
      const b = new Int32Array(cap).fill(-1);
      b.set(a);
      return b;
    };
    this.firstChild = grow32(this.firstChild);
    this.nextSibling = grow32(this.nextSibling);
    this.tokenId = grow32(this.tokenId);
    const l = new Uint8Array(cap);
    l.set(this.label);
    this.label = l;
  }
}
