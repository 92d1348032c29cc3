/**
 * Finds the legal citations, financial and legal terms, and defined terms of a text: what the domain report prices in
 * each tokenizer and the hover describes. Pure string work, no tokenizer and no LSP.
 *
 * Offsets are UTF-16 units of the text given. An item never spans a line break: citations and phrases allow spaces
 * and no-break spaces between their parts, nothing else, so that a hover (which looks at one line) finds exactly what
 * the report finds.
 */
import { LEXICON } from './lexicon';

export type DomainItemKind = 'citation' | 'term';

/** One occurrence of an item. */
export interface DomainMatch {
  text: string;
  kind: DomainItemKind;
  /** A defined term (a capitalised phrase defined in quotes or parentheses), as opposed to a lexicon term. */
  defined: boolean;
  start: number;
  end: number;
}

/** The distinct items of a text, with how often and in which form they occur. */
export interface DomainItem {
  text: string;
  kind: DomainItemKind;
  defined: boolean;
  occurrences: number;
  /** How many occurrences directly follow a space (U+0020): tokenizers see those as ` text`. */
  afterSpace: number;
}

const H = '[ \\u00a0]';
const NOT_WORD_BEFORE = '(?<![\\p{L}\\p{N}_])';
const NOT_WORD_AFTER = '(?![\\p{L}\\p{N}_])';
/** A section number: `1983`, `14.2`, `78j-1`, `101–110` is two. */
const SECTION_NUMBER = '\\d+[A-Za-z]{0,2}(?:[.\\-–]\\d+[A-Za-z]{0,2})*';
/** Subdivisions: `(a)(1)(iv)`. */
const SUBDIVISIONS = '(?:\\([A-Za-z0-9]{1,5}\\))*';
const SECTION = `§§?${H}?${SECTION_NUMBER}${SUBDIVISIONS}(?:${H}et${H}seq\\.)?`;
const REPORTERS = [
  'U\\.S\\.',
  `S\\.${H}?Ct\\.`,
  `L\\.${H}?Ed\\.(?:${H}?2d)?`,
  `F\\.${H}?Supp\\.(?:${H}?(?:2d|3d))?`,
  `F\\.${H}?App['’]x`,
  `F\\.(?:${H}?(?:2d|3d|4th))?`,
  'B\\.R\\.',
  `[AP]\\.${H}?(?:2d|3d)`,
  `N\\.E\\.(?:${H}?(?:2d|3d))?`,
  `N\\.W\\.(?:${H}?2d)?`,
  `S\\.E\\.(?:${H}?2d)?`,
  `S\\.W\\.(?:${H}?(?:2d|3d))?`,
  `So\\.${H}?(?:2d|3d)`,
  `Cal\\.${H}?Rptr\\.(?:${H}?(?:2d|3d))?`,
  `N\\.Y\\.S\\.(?:${H}?(?:2d|3d))?`,
].join('|');

/** The citation forms, each a regex source; where two overlap, the one starting first (then the longer) wins. */
const CITATIONS = [
  // 42 U.S.C. § 1983, 28 C.F.R. § 14.2(a), 15 U.S.C. 78j(b)
  `${NOT_WORD_BEFORE}\\d{1,3}${H}(?:U\\.S\\.C\\.(?:A\\.)?|C\\.F\\.R\\.)${H}?(?:${SECTION}|${SECTION_NUMBER}${SUBDIVISIONS})`,
  // Fed. R. Civ. P. 12(b)(6), Fed. R. Evid. 403
  `Fed\\.${H}?R\\.${H}?(?:(?:Civ|Crim|App|Bankr)\\.${H}?P\\.|Evid\\.)${H}?\\d+(?:\\.\\d+)*${SUBDIVISIONS}`,
  // Pub. L. 113–121, Pub. L. No. 111-203
  `Pub\\.${H}?L\\.(?:${H}No\\.)?${H}?\\d{1,3}[-–‑]\\d{1,4}${NOT_WORD_AFTER}`,
  // 127 Stat. 1234
  `${NOT_WORD_BEFORE}\\d{1,3}${H}Stat\\.${H}\\d{1,5}${NOT_WORD_AFTER}`,
  // 123 F.3d 456, 410 U.S. 113, 550 F. Supp. 2d 12
  `${NOT_WORD_BEFORE}\\d{1,4}${H}(?:${REPORTERS})${H}\\d{1,5}${NOT_WORD_AFTER}`,
  // § 362(a)(1), §§ 101
  SECTION,
].map((source) => new RegExp(source, 'gu'));

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Longest entries first, so that `Form 10-K` wins over `10-K` and `non-GAAP` over `GAAP`; spaces match no-break ones. */
function alternation(entries: readonly string[]): string {
  return [...entries].sort((a, b) => b.length - a.length).map((e) => escapeRegex(e).replace(/ /g, `${H}+`)).join('|');
}

const LEXICON_ANY_CASE = new RegExp(`${NOT_WORD_BEFORE}(?:${alternation(LEXICON.filter((e) => e === e.toLowerCase()))})${NOT_WORD_AFTER}`, 'giu');
const LEXICON_AS_WRITTEN = new RegExp(`${NOT_WORD_BEFORE}(?:${alternation(LEXICON.filter((e) => e !== e.toLowerCase()))})${NOT_WORD_AFTER}`, 'gu');

/** A capitalised phrase of up to six words, with small linking words inside (`Statement of Work`), never at its ends. */
const WORD = "[\\p{Lu}][\\p{L}\\p{N}'’&-]*";
const PHRASE = `${WORD}(?:${H}(?:(?:of|and|or|the|for|in|to|on|under)${H})*${WORD}){0,5}`;
const ARTICLE = `(?:(?:the|a|an|each|any|collectively|together|individually|hereinafter)${H}?,?${H})*`;
/** Where a phrase is being defined: `(the "Services")`, `(Confidentiality)`, `"Affiliate" means`, `hereinafter "Buyer"`. */
const DEFINITIONS = [
  `\\(${ARTICLE}["“]?(${PHRASE})["”]?\\)`,
  `["“](${PHRASE})["”]${H}+(?:means|shall${H}mean|shall${H}have${H}the${H}meaning|has${H}the${H}meaning|refers${H}to)${NOT_WORD_AFTER}`,
  `${NOT_WORD_BEFORE}(?:as|hereinafter|referred${H}to${H}as|defined${H}as)${H}+(?:the${H}+)?["“](${PHRASE})["”]`,
].map((source) => new RegExp(source, 'gu'));
/** At most this many defined terms are looked for (a long contract defines a few hundred). */
const MAX_DEFINED = 500;

function collect(re: RegExp, text: string, kind: DomainItemKind, out: DomainMatch[]): void {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ text: m[0], kind, defined: false, start: m.index, end: m.index + m[0].length });
    if (m[0].length === 0) re.lastIndex++;
  }
}

/** Drops every match that overlaps one kept before it, in order of start, the longer first. */
function withoutOverlaps(matches: DomainMatch[]): DomainMatch[] {
  matches.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: DomainMatch[] = [];
  let end = -1;
  for (const m of matches) {
    if (m.start < end) continue;
    kept.push(m);
    end = m.end;
  }
  return kept;
}

function citationsAndTerms(text: string): DomainMatch[] {
  const out: DomainMatch[] = [];
  for (const re of CITATIONS) collect(re, text, 'citation', out);
  collect(LEXICON_ANY_CASE, text, 'term', out);
  collect(LEXICON_AS_WRITTEN, text, 'term', out);
  return out;
}

/** Phrases the text defines, whether or not they recur. */
export function definedPhrases(text: string): string[] {
  const found = new Set<string>();
  for (const re of DEFINITIONS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m && found.size < MAX_DEFINED; m = re.exec(text)) {
      const phrase = m[1];
      // Enumerations and headings are not definitions: `(A)`, `(IV)`.
      if (phrase.length >= 2 && !/^[IVXLCDM]+$/.test(phrase)) found.add(phrase);
    }
  }
  return [...found];
}

/**
 * Every citation, lexicon term and defined term of `text`, in order, none overlapping. A defined term counts only when
 * it recurs: two occurrences or more (its definition included), matched as written, as whole words.
 */
export function findDomainItems(text: string): DomainMatch[] {
  const matches = citationsAndTerms(text);
  const phrases = definedPhrases(text);
  if (phrases.length) {
    const defined: DomainMatch[] = [];
    collect(new RegExp(`${NOT_WORD_BEFORE}(?:${alternation(phrases)})${NOT_WORD_AFTER}`, 'gu'), text, 'term', defined);
    const counts = new Map<string, number>();
    for (const d of defined) counts.set(d.text, (counts.get(d.text) ?? 0) + 1);
    for (const d of defined) if (counts.get(d.text)! >= 2) matches.push({ ...d, defined: true });
  }
  return withoutOverlaps(matches);
}

/** How far each side of the cursor a hover looks on its line. */
const HOVER_WINDOW = 256;

/**
 * The citation or lexicon term at a column of one line (the cursor inside it or just after it), or undefined.
 * Defined terms need the whole document and are left to the report. `start`/`end` are columns of `line`.
 */
export function domainItemAt(line: string, column: number): DomainMatch | undefined {
  const from = Math.max(0, column - HOVER_WINDOW);
  const window = line.slice(from, column + HOVER_WINDOW);
  const at = column - from;
  for (const m of withoutOverlaps(citationsAndTerms(window))) {
    if (m.start <= at && at <= m.end) return { ...m, start: m.start + from, end: m.end + from };
  }
  return undefined;
}

/** The distinct items among `matches` (found in `text`), in order of first occurrence. */
export function groupItems(text: string, matches: readonly DomainMatch[]): DomainItem[] {
  const byText = new Map<string, DomainItem>();
  for (const m of matches) {
    let item = byText.get(m.text);
    if (!item) byText.set(m.text, (item = { text: m.text, kind: m.kind, defined: m.defined, occurrences: 0, afterSpace: 0 }));
    item.occurrences++;
    if (text.charCodeAt(m.start - 1) === 0x20) item.afterSpace++;
  }
  return [...byText.values()];
}
