/**
 * The KL3M paper's per-term token counts (../shared/data/kl3m/domain_term_counts.csv) reproduced exactly for every
 * tokenizer whose vocabulary is available: gpt-4o = o200k_base, gpt2 = r50k_base, the KL3M 001/003 and char
 * tokenizers, and llama3 (the paper counts Llama 3.2's BOS, so one is added here, as `count --with-bos` does).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { readShared, SKIP_NO_SHARED } from './support';

const COLUMNS: Record<string, { tokenizer: string; bos: boolean }> = {
  'gpt-4o': { tokenizer: 'o200k_base', bos: false },
  gpt2: { tokenizer: 'r50k_base', bos: false },
  'kl3m-001-32k': { tokenizer: 'kl3m-001-32k', bos: false },
  'kl3m-003-64k': { tokenizer: 'kl3m-003-64k', bos: false },
  'kl3m-004-char-4k-cased': { tokenizer: 'kl3m-004-char-4k-cased', bos: false },
  'kl3m-004-char-8k-cased': { tokenizer: 'kl3m-004-char-8k-cased', bos: false },
  'kl3m-004-char-16k-cased': { tokenizer: 'kl3m-004-char-16k-cased', bos: false },
  llama3: { tokenizer: 'llama3', bos: true },
};

/** Minimal CSV: quoted fields may hold commas. */
function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') field += line[++i];
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(field);
      field = '';
    } else field += ch;
  }
  out.push(field);
  return out;
}

test('KL3M paper per-term counts are reproduced exactly', (t) => {
  const csv = readShared('kl3m/domain_term_counts.csv');
  if (!csv) return t.skip(SKIP_NO_SHARED);
  const [header, ...rows] = csv.trim().split(/\r?\n/).map(parseCsvLine);
  assert.ok(rows.length >= 20);
  let compared = 0;
  for (const [column, { tokenizer, bos }] of Object.entries(COLUMNS)) {
    const col = header.indexOf(column);
    assert.ok(col >= 0, `column ${column} exists`);
    const tok = getTokenizer(tokenizer);
    if (bos) assert.notEqual(tok.bosId, undefined, `${tokenizer} has a BOS`);
    for (const row of rows) {
      const term = row[1];
      const got = tok.count(term) + (bos ? 1 : 0);
      assert.equal(got, Number(row[col]), `${column} on ${JSON.stringify(term)}`);
      compared++;
    }
  }
  assert.equal(compared, rows.length * Object.keys(COLUMNS).length);
});
