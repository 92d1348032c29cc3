/**
 * The Tokompiler closed vocabulary, built here from its parts (class prefixes, the numbers 0–1000, C/C++ and Fortran
 * keywords, operators, preprocessor directives) and sorted by code point as the reference's `vocab.txt` is, so the
 * ids match the original model's: `[PAD]`=1 … `[CLS]`=7, then the sorted entries from 8. A test checks the result
 * against the reference file line by line. Its gaps are the reference's: `(/` and a lone `!` are not in it, so
 * they encode as [UNK] (comments are dropped or kept whole anyway).
 */
import { NAME_CLASSES } from './types';

export const SPECIAL_TOKENS = ['[PAD]', '[SOS]', '[EOS]', '[UNK]', '[MSK]', '[SEP]', '[CLS]'] as const;
export const UNK_ID = 4;
export const SEP_ID = 6;
/** Names of a class are numbered 0..MAX_NUMBER; the vocabulary has a token for each of these numbers. */
export const MAX_NUMBER = 1000;

const C_KEYWORDS = 'auto break case char const continue default do double else enum extern float for goto if inline int long register restrict return short signed sizeof static struct switch union unsigned void volatile while';
const C_TYPES_AND_CONSTANTS = 'bool size_t ssize_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t uintptr_t NULL TRUE FALSE true false defined';
const CPP_KEYWORDS = 'class delete new nullptr operator std this virtual';
const FORTRAN_KEYWORDS =
  'all allocatable call character close complex cycle dimension done elseif end endif error exit external format function go implicit in inout integer intent interface is logical none only open optional out parameter pointer precision print read real recursive result save select stop subroutine then to type use values where write';
const FORTRAN_OPERATORS = '.and. .or. .not. .eq. .ne. .lt. .le. .gt. .ge. .true. .false. /) // ** :: %';
const OPERATORS = '!= " $ & && \' ( ) * + ++ , - -- -> . ... / : ; < << <= = == > >= >> ? [ ] ^ { | || } ~ _';
const DIRECTIVES = '#define #elif #else #endif #if #ifdef #ifndef';

/** The vocabulary entries in id order (the first has id 8). */
export function vocabularyEntries(): string[] {
  const words = new Set<string>();
  for (const list of [C_KEYWORDS, C_TYPES_AND_CONSTANTS, CPP_KEYWORDS, FORTRAN_KEYWORDS, FORTRAN_OPERATORS, OPERATORS, DIRECTIVES]) {
    for (const w of list.split(' ')) if (w) words.add(w);
  }
  for (const prefix of NAME_CLASSES) words.add(prefix);
  for (let n = 0; n <= MAX_NUMBER; n++) words.add(String(n));
  return [...words].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

let ids: Map<string, number> | undefined;
let tokens: string[] | undefined;

/** Token → id, specials included. */
export function vocabularyIds(): Map<string, number> {
  if (!ids) {
    ids = new Map();
    SPECIAL_TOKENS.forEach((t, i) => ids!.set(t, i + 1));
    vocabularyEntries().forEach((t, i) => ids!.set(t, i + 8));
  }
  return ids;
}

/** Id → token (index 0 is unused: ids start at 1). */
export function vocabularyTokens(): string[] {
  tokens ??= ['', ...SPECIAL_TOKENS, ...vocabularyEntries()];
  return tokens;
}

/** The reference's encoding: lowercase (Fortran and C alike), then the id, or [UNK]. */
export function encodeToken(token: string): number {
  const ids = vocabularyIds();
  return ids.get(token) ?? ids.get(token.toLowerCase()) ?? UNK_ID;
}
