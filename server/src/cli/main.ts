/**
 * The `tokscope` command line: `tokenizers`, `count`, `encode`, `lsp` (see README and ../shared/docs/architecture.md).
 * Exit codes: 0 success, 2 bad usage (one line on stderr), 1 anything else.
 */
import { UsageError, parseArgs } from './args';
import { runCount } from './count';
import { runEncode } from './encode';
import { runTokenizers } from './tokenizers';

const HELP = `usage: tokscope <command> [options]

commands:
  tokenizers [--json]                          list the available tokenizers
  count -t NAME [-t NAME…] [--json] [--with-bos] [--allow-special] [FILE|-]…
                                               count tokens of files or stdin
  encode -t NAME [--json] [--byte-offsets] [--allow-special] [FILE|-]
                                               token ids and offsets
  tokompile [--lang L] [--scope file|function] [--comments drop|keep] [--json] [--decode] [FILE|-]
                                               code as the Tokompiler sees it (names anonymised by role);
                                               --decode rebuilds source from its --json output
  train-domain --corpus DIR --vocab-size N --out FILE [--min-frequency F]
                                               train the legal-domain tokenizer (o200k_base + learned merges)
  eval-fim --data FILE [--backend ngram|gguf:PATH|llama.cpp:URL|openai:URL|ollama:URL] [--debias off,heal,exact,infill]
           [--tokenizer NAME|PATH] [--fim-format F] [--max-bytes N] [--threads N] [--cpu] [--limit N] [--mid-word-only]
                                               de-biasing modes compared on HumanEval infilling, with pass@1
  suggest [--json] [--merges M] [--boundary pretoken|word|superword] [-t NAME] [--export FILE] [PATH|-]…
                                               dynamic-tokenization suggestions and batch merges for files or folders
  lsp --stdio | --node-ipc                     run the language server (what the VS Code extension starts)

tokenizer names: o200k_base, cl100k_base, p50k_base, r50k_base, llama3, qwen3, the KL3M presets
(kl3m-001-32k, kl3m-003-64k, …; folder from --kl3m-dir or TOKSCOPE_KL3M_DIR), hf:PATH, gguf:PATH, and
tokompiler (its own closed-vocabulary code tokens, language from the extension or --lang)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP + '\n');
    return command ? 0 : 2;
  }
  switch (command) {
    case 'tokenizers':
      return runTokenizers(parseArgs(rest, { flags: ['json'], options: ['kl3m-dir'] }));
    case 'count':
      return runCount(parseArgs(rest, { flags: ['json', 'with-bos', 'allow-special'], options: ['kl3m-dir', 'lang'], multi: ['t'] }));
    case 'encode':
      return runEncode(parseArgs(rest, { flags: ['json', 'byte-offsets', 'allow-special'], options: ['kl3m-dir'], multi: ['t'] }));
    case 'tokompile': {
      // Loaded on demand, like the server: tree-sitter's runtime should not slow down every other command's start.
      const { runTokompile } = await import('./tokompile');
      return runTokompile(parseArgs(rest, { flags: ['json', 'decode'], options: ['lang', 'scope', 'comments'] }));
    }
    case 'train-domain': {
      const { runTrainDomain } = await import('./trainDomain');
      return runTrainDomain(parseArgs(rest, { options: ['corpus', 'vocab-size', 'out', 'min-frequency', 'reporters', 'terms'] }));
    }
    case 'eval-fim': {
      const { runEvalFim, EVAL_FIM_ARGS } = await import('./evalFim');
      return runEvalFim(parseArgs(rest, EVAL_FIM_ARGS));
    }
    case 'suggest': {
      const { runSuggest } = await import('./suggest');
      return runSuggest(parseArgs(rest, { flags: ['json', 'no-suggestions'], options: ['merges', 'boundary', 'export', 'workers', 'lang', 'kl3m-dir'], multi: ['t'] }));
    }
    case 'lsp': {
      if (!rest.includes('--stdio') && !rest.includes('--node-ipc')) throw new UsageError('lsp needs --stdio or --node-ipc');
      // Loaded on demand: the other commands should not pay for parsing the LSP libraries' setup.
      const { startServer } = await import('../server');
      startServer();
      // The connection keeps the process alive and exits it when the input closes.
      return new Promise<number>(() => undefined);
    }
    default:
      throw new UsageError(`unknown command "${command}" (try: tokscope --help)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`tokscope: ${err.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`tokscope: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
