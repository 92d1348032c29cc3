/**
 * One document as the Tokompiler sees it: the result for the current version, recomputed on demand. With
 * `scope: function` and a single edit since the last result, only the edited function is re-tokompiled (see
 * tokompiler/incremental.ts); otherwise the whole document is.
 */
import type { TextStore } from './textStore';
import { type Edit, retokompileFunction } from './tokompiler/incremental';
import { type CommentMode, loadFrontEnd, type ScopeMode, type TokompileResult, tokompileWith } from './tokompiler/index';
import { languageByName, languageForPath, type TokompilerLanguage, UnknownLanguageError } from './tokompiler/languages';

export interface TokompilerModes {
  scope: ScopeMode;
  comments: CommentMode;
}

export class TokompilerState {
  private result: TokompileResult | undefined;
  private resultVersion = -1;
  /** Edits since `result`, in order; more than one and the next run is a full one. */
  private edits: Edit[] = [];

  constructor(
    private readonly source: TextStore,
    private readonly uri: string,
    private readonly languageId: string,
  ) {}

  /** The language of the document: its VS Code language id first, then its file extension. */
  get language(): TokompilerLanguage | undefined {
    return languageByName(this.languageId) ?? languageForPath(this.uri);
  }

  edit(edit: Edit): void {
    if (this.result) this.edits.push(edit);
  }

  reset(): void {
    this.result = undefined;
    this.edits = [];
  }

  /** The result for `version` if it is already computed, without any work. */
  cached(version: number, modes: TokompilerModes): TokompileResult | undefined {
    const r = this.result;
    return r && this.resultVersion === version && this.edits.length === 0 && r.options.scope === modes.scope && r.options.comments === modes.comments ? r : undefined;
  }

  /** The result for `version`: cached, spliced after one edit inside a function, or computed afresh. */
  async get(version: number, modes: TokompilerModes): Promise<TokompileResult> {
    const language = this.language;
    if (!language) throw new UnknownLanguageError(`${this.uri} (language ${this.languageId})`);
    const frontEnd = await loadFrontEnd(language);
    const same = this.result && this.result.options.scope === modes.scope && this.result.options.comments === modes.comments;
    if (same && this.resultVersion === version && this.edits.length === 0) return this.result!;
    const text = this.source.toString();
    let next: TokompileResult | undefined;
    if (same && this.edits.length === 1) next = retokompileFunction(frontEnd, this.result!, text, this.edits[0]);
    next ??= tokompileWith(frontEnd, language, text, modes);
    this.result = next;
    this.resultVersion = version;
    this.edits = [];
    return next;
  }
}
