/**
 * The tokenizers that price legal citations and financial terms: the general ones, `domain`, and the KL3M ones that
 * load. A KL3M vocabulary takes about half a second to load, so the hover never waits for one: it shows those already
 * loaded and has the others loaded in the background, one per turn of the event loop.
 */
import type { Settings } from '../settings';
import { listTokenizers } from '../tokenizers/registry';
import type { Tokenizer } from '../tokenizers/types';
import { type ServerContext, tokenizerFor } from './common';

/** The tokenizer savings are measured against. */
export const BASELINE = 'o200k_base';
export const DOMAIN = 'domain';
export const GENERAL = ['o200k_base', 'cl100k_base', 'llama3'];

let kl3m: string[] | undefined;

/** The KL3M tokenizers the registry knows by name, installed or not. */
export function kl3mNames(): string[] {
  kl3m ??= listTokenizers()
    .map((t) => t.name)
    .filter((n) => n.startsWith('kl3m-'));
  return kl3m;
}

/** `domain` and the KL3M tokenizers: those a saving is measured with. */
export function isDomainSpecific(name: string): boolean {
  return name === DOMAIN || name.startsWith('kl3m-');
}

export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Names loaded at least once, per KL3M folder setting (the registry keeps the tokenizers themselves). */
const loaded = new Set<string>();
const keyOf = (name: string, settings: Settings) => `${name}\0${settings.kl3mDir ?? ''}`;

/** Loads a tokenizer, remembering that it loaded; throws as `tokenizerFor` does. */
export function loadTokenizer(ctx: ServerContext, name: string, settings: Settings): Tokenizer {
  const tok = tokenizerFor(ctx, name, settings);
  loaded.add(keyOf(name, settings));
  return tok;
}

let warming: Promise<void> | undefined;
const WARM_DELAY_MS = 100;

/** Loads the KL3M tokenizers not loaded yet in the background (one per turn); a missing one is looked for again next time. */
function warmKl3m(ctx: ServerContext, settings: Settings): void {
  if (warming) return;
  const todo = kl3mNames().filter((n) => !loaded.has(keyOf(n, settings)));
  if (todo.length === 0) return;
  warming = (async () => {
    // The hover's answer is written on a later turn of the event loop: let it go out before the first load blocks.
    await new Promise((resolve) => setTimeout(resolve, WARM_DELAY_MS));
    for (const name of todo) {
      await nextTurn();
      try {
        loadTokenizer(ctx, name, settings);
      } catch {
        // Not installed or unreadable: the hover leaves it out.
      }
    }
  })().finally(() => (warming = undefined));
}

/**
 * The tokenizers a hover prices an item in, in this order: o200k_base, domain, the KL3M ones already loaded, then
 * cl100k_base and llama3. Starts loading the other KL3M tokenizers in the background. Skips any that fails to load.
 */
export function hoverTokenizers(ctx: ServerContext, settings: Settings): Tokenizer[] {
  const names = [BASELINE, DOMAIN, ...kl3mNames().filter((n) => loaded.has(keyOf(n, settings))), ...GENERAL.filter((n) => n !== BASELINE)];
  warmKl3m(ctx, settings);
  const out: Tokenizer[] = [];
  for (const name of names) {
    try {
      out.push(loadTokenizer(ctx, name, settings));
    } catch {
      // The hover shows what there is.
    }
  }
  return out;
}
