/**
 * Financial and legal terms the domain report and the hover look for. An entry in lower case matches in any case
 * (`Indemnification` at a sentence's start too); an entry with capitals matches only as written (`SEC`, not `sec`).
 * Plurals and other forms are entries of their own: the detector never stems, so an item's text is what the
 * tokenizers see.
 */
export const LEXICON: readonly string[] = [
  // Financial reporting and markets
  'EBITDA', 'EBIT', 'GAAP', 'non-GAAP', 'Non-GAAP', 'IFRS', 'EPS', 'P/E ratio', 'ROI', 'ROE', 'ROIC', 'CAGR', 'SEC', 'FINRA',
  '10-K', '10-Q', '8-K', 'S-1', 'Form 10-K', 'Form 10-Q', 'Form 8-K', 'Basel III', 'Sarbanes-Oxley', 'Dodd-Frank', 'LIBOR', 'SOFR',
  'amortization', 'amortisation', 'depreciation', 'impairment', 'goodwill impairment', 'accrual', 'accruals', 'deferred revenue',
  'free cash flow', 'working capital', 'capital expenditures', 'basis points', 'year-over-year', 'quarter-over-quarter',
  'quarterly dividend', 'market capitalization', 'securitization', 'escrow', 'subsidiary', 'subsidiaries',
  // Contracts
  'indemnification', 'indemnify', 'indemnified', 'indemnifying', 'indemnitee', 'indemnitor', 'force majeure', 'liquidated damages',
  'consequential damages', 'punitive damages', 'injunctive relief', 'limitation of liability', 'severability', 'governing law',
  'representations and warranties', 'warranty', 'warranties', 'covenant', 'covenants', 'lien', 'liens', 'subrogation',
  'confidentiality', 'arbitration', 'fiduciary', 'negligence', 'gross negligence', 'willful misconduct',
  'hereunder', 'hereinafter', 'herein', 'therein', 'thereof', 'whereas', 'notwithstanding', 'mutatis mutandis', 'pro rata',
  // Litigation
  'res judicata', 'stare decisis', 'habeas corpus', 'certiorari', 'de novo', 'prima facie', 'inter alia', 'per curiam',
  'summary judgment', 'jurisdiction', 'personal jurisdiction', 'subject matter jurisdiction', 'plaintiff', 'defendant',
  'appellant', 'appellee', 'tort',
];
