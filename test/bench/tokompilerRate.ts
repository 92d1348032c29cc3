/**
 * How many of the lexicaliser's tokens the Tokompiler vocabulary knows, on MonoCoder's OpenMP records whose names are
 * already placeholders — ours, and the reference's procedure re-enacted on the same grammar: every childless node of
 * the tree as written, joined by spaces, split at white space, placeholders split at the underscore, lowercased.
 * (The reference's `tokenize` splits at white space, so a leaf holding spaces — a string's content, a comment —
 * becomes several tokens there.)
 */
import { lexicaliseOnly } from '../../server/src/tokompiler/index';
import { createParser } from '../../server/src/tokompiler/treeSitter/grammars';
import { NAME_CLASSES } from '../../server/src/tokompiler/types';
import { UNK_ID, vocabularyIds } from '../../server/src/tokompiler/vocab';

export interface Rate {
  records: number;
  tokens: number;
  inVocabulary: number;
  rate: number;
}

export async function oursRate(codes: string[]): Promise<Rate> {
  let tokens = 0;
  let known = 0;
  for (const code of codes) {
    const { ids } = await lexicaliseOnly(code, 'c');
    tokens += ids.length;
    known += ids.filter((id) => id !== UNK_ID).length;
  }
  return { records: codes.length, tokens, inVocabulary: known, rate: known / tokens };
}

export async function referenceRate(codes: string[]): Promise<Rate> {
  const parser = await createParser('c');
  const vocab = vocabularyIds();
  const prefixes = NAME_CLASSES.map((c) => `${c}_`);
  let tokens = 0;
  let known = 0;
  for (const code of codes) {
    const tree = parser.parse(code)!;
    const leaves: string[] = [];
    const cursor = tree.walk();
    // Depth-first over every node; a node without children is a leaf.
    for (let done = false; !done; ) {
      if (cursor.gotoFirstChild()) continue;
      leaves.push(code.slice(cursor.startIndex, cursor.endIndex));
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) {
          done = true;
          break;
        }
      }
    }
    tree.delete();
    for (const word of leaves.join(' ').split(/\s+/).filter(Boolean)) {
      const parts = prefixes.some((p) => word.startsWith(p)) ? word.split('_') : [word];
      for (const part of parts) {
        tokens++;
        if (vocab.has(part.toLowerCase())) known++;
      }
    }
  }
  return { records: codes.length, tokens, inVocabulary: known, rate: known / tokens };
}
