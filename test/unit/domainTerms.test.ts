/** The detector behind the domain savings report and hover: citations, lexicon terms, defined terms, and plain prose. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { definedPhrases, domainItemAt, findDomainItems, groupItems } from '../../server/src/domain/terms';

const found = (text: string) => findDomainItems(text).map((m) => `${m.kind}${m.defined ? ' (defined)' : ''}: ${m.text}`);

test('each citation form is found whole, without the sentence’s final period', () => {
  const cases: Array<[string, string]> = [
    ['Claims under 42 U.S.C. § 1983 are personal.', '42 U.S.C. § 1983'],
    ['See 28 C.F.R. § 14.2(a).', '28 C.F.R. § 14.2(a)'],
    ['A motion under Fed. R. Civ. P. 12(b)(6) was filed.', 'Fed. R. Civ. P. 12(b)(6)'],
    ['Fed. R. Evid. 403 excludes it.', 'Fed. R. Evid. 403'],
    ['Enacted by Pub. L. 113–121, it', 'Pub. L. 113–121'],
    ['Enacted by Pub. L. No. 111-203.', 'Pub. L. No. 111-203'],
    ['As held in 123 F.3d 456, the', '123 F.3d 456'],
    ['Roe, 410 U.S. 113 (1973).', '410 U.S. 113'],
    ['See 550 F. Supp. 2d 12, 15.', '550 F. Supp. 2d 12'],
    ['The stay of § 362(a)(1) applies.', '§ 362(a)(1)'],
    ['See §§ 101 and 102.', '§§ 101'],
    ['Codified at 127 Stat. 1234.', '127 Stat. 1234'],
    ['under 15 U.S.C. § 78j(b) and', '15 U.S.C. § 78j(b)'],
    ['11 U.S.C. § 101 et seq. governs', '11 U.S.C. § 101 et seq.'],
    ['under 42\u00a0U.S.C.\u00a0§\u00a01983 too', '42\u00a0U.S.C.\u00a0§\u00a01983'],
  ];
  for (const [text, citation] of cases) assert.deepEqual(found(text), [`citation: ${citation}`], text);
});

test('a code citation wins over the section inside it; offsets are the text’s UTF-16 ones', () => {
  const text = '😺 Under 11 U.S.C. § 362(a), EBITDA.';
  const items = findDomainItems(text);
  assert.deepEqual(items.map((m) => m.text), ['11 U.S.C. § 362(a)', 'EBITDA']);
  for (const m of items) assert.equal(text.slice(m.start, m.end), m.text);
});

test('lexicon terms: the longest entry wins; lower-case entries in any case, others only as written', () => {
  assert.deepEqual(found('Adjusted EBITDA and non-GAAP EPS rose; the Form 10-K and 8-K follow.'), ['term: EBITDA', 'term: non-GAAP', 'term: EPS', 'term: Form 10-K', 'term: 8-K']);
  assert.deepEqual(found('Indemnification survives; amortization of goodwill; force majeure.'), ['term: Indemnification', 'term: amortization', 'term: force majeure']);
  assert.deepEqual(found('GAAP accounting under Basel III, year-over-year growth and a quarterly dividend.'), ['term: GAAP', 'term: Basel III', 'term: year-over-year', 'term: quarterly dividend']);
  // Whole words only, and capitalised entries are case-sensitive.
  assert.deepEqual(found('EBITDAR, sec, gaap, tortoise, indemnifications, lienholder'), []);
});

test('defined terms: a capitalised phrase defined in quotes or parentheses counts when it recurs', () => {
  const text = 'This Master Services Agreement (the "Agreement") is between Acme ("Buyer") and Zeta (the "Statement of Work"). ' +
    '"Affiliate" means any entity controlling a party. The Agreement binds each Affiliate; the Statement of Work follows the Agreement.';
  assert.deepEqual(definedPhrases(text).sort(), ['Affiliate', 'Agreement', 'Buyer', 'Statement of Work']);
  const items = groupItems(text, findDomainItems(text));
  const defined = items.filter((i) => i.defined).map((i) => [i.text, i.occurrences]);
  // Buyer is defined but never used again; the Agreement in "Master Services Agreement" counts.
  assert.deepEqual(defined, [['Agreement', 4], ['Statement of Work', 2], ['Affiliate', 2]]);
  // Enumerations are not definitions.
  assert.deepEqual(definedPhrases('(A) first (IV) fourth (I) one; A and IV and I'), []);
});

test('no false positives on plain prose', () => {
  const prose = 'On 12 May we walked 3 miles to the lake (a record) and back. "Look," said Anna, and Anna pointed at 42 ducks. ' +
    'The U.S. team won 3 games in 2019; chapter 5 starts on page 12, and section 4 on page 20. She read "Moby Dick" twice, ' +
    'and Moby Dick is long. His homework assignment was due at 5 p.m., so he paid $20 for a taxi (about 10 km). ' +
    'Paris is lovely in spring. We met Dr. Smith at 10 a.m.; she sees 8 patients a day.';
  assert.deepEqual(found(prose), []);
});

test('the item under a column: inside it or just after it, never the text around it', () => {
  const line = 'under 42 U.S.C. § 1983. Adjusted EBITDA was';
  assert.equal(domainItemAt(line, line.indexOf('U.S.C.'))?.text, '42 U.S.C. § 1983');
  assert.equal(domainItemAt(line, line.indexOf('42'))?.start, line.indexOf('42'));
  assert.equal(domainItemAt(line, line.indexOf('1983') + 4)?.text, '42 U.S.C. § 1983');
  assert.equal(domainItemAt(line, line.indexOf('EBITDA') + 2)?.kind, 'term');
  assert.equal(domainItemAt(line, 2), undefined);
  assert.equal(domainItemAt(line, line.indexOf('Adjusted') + 2), undefined);
  // Far into a long line: only the cursor's neighbourhood is looked at, and columns stay the line's.
  const long = 'x '.repeat(5000) + 'see Fed. R. Civ. P. 65 here';
  const at = long.indexOf('Civ.');
  assert.deepEqual(domainItemAt(long, at), { text: 'Fed. R. Civ. P. 65', kind: 'citation', defined: false, start: long.indexOf('Fed.'), end: long.indexOf(' here') });
});

test('grouping: one item per text, with how many occurrences follow a space', () => {
  const text = 'EBITDA rose.\nAdjusted EBITDA (EBITDA) and EBITDA.';
  assert.deepEqual(groupItems(text, findDomainItems(text)), [{ text: 'EBITDA', kind: 'term', defined: false, occurrences: 4, afterSpace: 2 }]);
});
