/** A bad command line: reported as one line on stderr with exit code 2. */
export class UsageError extends Error {}

export interface Args {
  flags: Set<string>;
  options: Map<string, string>;
  multi: Map<string, string[]>;
  positional: string[];
}

export interface ArgSpec {
  flags?: string[];
  options?: string[];
  /** Options that may repeat (`-t a -t b`); also accept `--tokenizer`. */
  multi?: string[];
}

const ALIASES: Record<string, string> = { tokenizer: 't' };

/** Parses `--flag`, `--opt value`, `--opt=value`, `-t value`; `-` and anything not starting with `-` are positional. */
export function parseArgs(argv: string[], spec: ArgSpec): Args {
  const args: Args = { flags: new Set(), options: new Map(), multi: new Map(), positional: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      args.positional.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-' || !a.startsWith('-')) {
      args.positional.push(a);
      continue;
    }
    let key = a.replace(/^--?/, '');
    let value: string | undefined;
    const eq = key.indexOf('=');
    if (eq >= 0) {
      value = key.slice(eq + 1);
      key = key.slice(0, eq);
    }
    key = ALIASES[key] ?? key;
    const takesValue = spec.options?.includes(key) || spec.multi?.includes(key);
    if (spec.flags?.includes(key) && value === undefined) {
      args.flags.add(key);
      continue;
    }
    if (!takesValue) throw new UsageError(`unknown option ${a}`);
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
      value = argv[++i];
    }
    if (spec.multi?.includes(key)) args.multi.set(key, [...(args.multi.get(key) ?? []), value]);
    else args.options.set(key, value);
  }
  return args;
}
