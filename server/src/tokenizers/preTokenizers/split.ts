import type { PreTokenizer } from '../types';

/** Hugging Face `SplitDelimiterBehavior`: what happens to the matched delimiters. */
export type SplitBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';

/**
 * Splits on the matches of a regex the Hugging Face way: the matches are delimiters and `behavior` decides whether
 * they are dropped, stand alone, or join the neighbouring text. With `invert`, the matches are the pieces and the
 * text between them the delimiters.
 */
export class RegexSplit implements PreTokenizer {
  constructor(
    private readonly re: RegExp,
    private readonly behavior: SplitBehavior,
    private readonly invert = false,
  ) {
    if (!re.global) throw new Error('RegexSplit needs a global regex');
  }

  split(text: string, from: number, to: number, emit: (start: number, end: number) => void): void {
    // Collect (start, end, isMatch) spans that tile [from, to), then apply the behaviour.
    const spans: number[] = [];
    const re = this.re;
    const sub = from === 0 && to === text.length ? text : text.slice(from, to);
    re.lastIndex = 0;
    let last = 0;
    for (let m = re.exec(sub); m; m = re.exec(sub)) {
      const s = m.index;
      const e = s + m[0].length;
      if (e === s) {
        re.lastIndex = s + 1; // empty match: step over (a code unit is enough, pieces never split pairs)
        continue;
      }
      if (s > last) spans.push(last, s, this.invert ? 1 : 0);
      spans.push(s, e, this.invert ? 0 : 1);
      last = e;
    }
    if (last < sub.length) spans.push(last, sub.length, this.invert ? 1 : 0);
    applyBehavior(spans, this.behavior, (s, e) => emit(s + from, e + from));
  }
}

/** `spans` is a flat list of (start, end, isDelimiter) triples that tile a range. */
export function applyBehavior(spans: number[], behavior: SplitBehavior, emit: (start: number, end: number) => void): void {
  const n = spans.length / 3;
  switch (behavior) {
    case 'Removed':
      for (let i = 0; i < n; i++) if (!spans[3 * i + 2]) emit(spans[3 * i], spans[3 * i + 1]);
      return;
    case 'Isolated':
      for (let i = 0; i < n; i++) emit(spans[3 * i], spans[3 * i + 1]);
      return;
    case 'MergedWithPrevious': {
      // A delimiter joins the piece before it.
      let start = -1;
      for (let i = 0; i < n; i++) {
        const s = spans[3 * i];
        const e = spans[3 * i + 1];
        if (start < 0) start = s;
        if (spans[3 * i + 2]) {
          emit(start, e);
          start = -1;
        } else if (i + 1 < n && !spans[3 * i + 5]) {
          emit(start, e);
          start = -1;
        }
      }
      if (start >= 0) emit(start, spans[3 * n - 2]);
      return;
    }
    case 'MergedWithNext': {
      // A delimiter joins the piece after it.
      let start = -1;
      for (let i = 0; i < n; i++) {
        const s = spans[3 * i];
        const e = spans[3 * i + 1];
        if (spans[3 * i + 2]) {
          if (start >= 0) emit(start, s);
          start = s;
        } else {
          if (start < 0) start = s;
          emit(start, e);
          start = -1;
        }
      }
      if (start >= 0) emit(start, spans[3 * n - 2]);
      return;
    }
    case 'Contiguous': {
      // Consecutive delimiters form one piece.
      let i = 0;
      while (i < n) {
        const s = spans[3 * i];
        let e = spans[3 * i + 1];
        if (spans[3 * i + 2]) while (i + 1 < n && spans[3 * i + 5]) e = spans[3 * ++i + 1];
        emit(s, e);
        i++;
      }
      return;
    }
  }
}

/** Applies pre-tokenizers one after another, each splitting the pieces of the previous one. */
export class SequencePreTokenizer implements PreTokenizer {
  constructor(private readonly stages: PreTokenizer[]) {}
  split(text: string, from: number, to: number, emit: (start: number, end: number) => void): void {
    const run = (k: number, s: number, e: number): void => {
      if (k === this.stages.length) emit(s, e);
      else this.stages[k].split(text, s, e, (a, b) => run(k + 1, a, b));
    };
    run(0, from, to);
  }
}
