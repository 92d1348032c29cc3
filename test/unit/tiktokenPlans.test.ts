/** gpt-tokenizer's published encode test plans (r50k, p50k, p50k_edit, cl100k, o200k) must all pass. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getTokenizer } from '../../server/src/tokenizers/registry';
import { readShared, SKIP_NO_SHARED } from './support';

const plans = readShared('testvectors/gpt-tokenizer/TestPlans.txt');

test('gpt-tokenizer TestPlans', (t) => {
  if (!plans) return t.skip(SKIP_NO_SHARED);
  const blocks = plans.split('EncodingName: ').slice(1);
  assert.ok(blocks.length >= 300, 'the plan file has its 313 cases');
  let checked = 0;
  for (const block of blocks) {
    const nl1 = block.indexOf('\n');
    const encoding = block.slice(0, nl1);
    const rest = block.slice(nl1 + 1);
    assert.ok(rest.startsWith('Sample: '));
    const encodedAt = rest.lastIndexOf('\nEncoded: ');
    const sample = rest.slice('Sample: '.length, encodedAt);
    const expected = JSON.parse(rest.slice(encodedAt + '\nEncoded: '.length).trim());
    const tok = getTokenizer(encoding);
    assert.deepEqual(Array.from(tok.encodeIds(sample)), expected, `${encoding}: ${JSON.stringify(sample)}`);
    assert.equal(tok.count(sample), expected.length);
    assert.equal(tok.decode(expected), sample);
    checked++;
  }
  assert.equal(checked, blocks.length);
});
