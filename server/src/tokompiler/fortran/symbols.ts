/**
 * Symbol tables of Fortran program units, and the second pass that settles the roles the first pass could not know
 * yet: whether `a(i)` is an array element or a call, and whether `sum` is the intrinsic or a variable, depends on
 * declarations that may come later in the unit, in its host, or in a module it uses (when that module is in the file).
 */

import type { LeafKind, NameClass } from '../types';
import { isLibraryConstant, isLibraryProcedure } from './intrinsics';

/** What the declarations say about a name in one unit. */
export interface Sym {
  /** A data object: type declaration, parameter, common, result variable, associate name. */
  var?: boolean;
  array?: boolean;
  func?: boolean;
  type?: boolean;
  /** Listed in an `intrinsic` statement. */
  intrinsic?: boolean;
  arg?: boolean;
}

export interface Unit {
  name: string;
  /** The unit whose names this one sees by host association (-1: none). */
  host: number;
  table: Map<string, Sym>;
  /** Lowercased names of the modules it uses. */
  uses: string[];
  cache: Map<string, Sym | null>;
}

/** Occurrence roles that wait for the second pass. */
export const enum Pending {
  None = 0,
  /** A plain reference: `x`. */
  Ref = 1,
  /** `name(...)` in an expression; aux = 1 when the parentheses hold a top-level `:` (a substring). */
  Call = 2,
  /** `name(...) =` on the left of an assignment; aux as for Call. */
  LhsCall = 3,
  /** `key=` inside a call's parentheses; aux = the callee's token. */
  Kwarg = 4,
  /** A name in a `use …, only:` list. */
  UseName = 5,
  /** The procedure of a `call` statement. */
  Callee = 6,
}

/** Most modules a lookup visits through `use` chains: bounds the work on pathological files. */
const MAX_MODULES_VISITED = 64;

export class SymbolTables {
  /** Unit 0 is the file: external procedures defined in it are known to every unit. */
  readonly units: Unit[] = [newUnit('', -1)];
  readonly modules = new Map<string, number>();
  work = 0;

  add(name: string, host: number): number {
    this.units.push(newUnit(name, host));
    return this.units.length - 1;
  }

  declare(unit: number, name: string, props: Sym): void {
    const table = this.units[unit].table;
    const s = table.get(name);
    if (!s) return void table.set(name, { ...props });
    // Declarations add up: `dimension b(3)` then `real :: b` leaves b an array.
    for (const key of Object.keys(props) as (keyof Sym)[]) if (props[key]) s[key] = true;
  }

  lookup(unit: number, name: string): Sym | undefined {
    const u = this.units[unit];
    const cached = u.cache.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const found = this.find(unit, name);
    u.cache.set(name, found ?? null);
    return found;
  }

  private find(unit: number, name: string): Sym | undefined {
    let visited: Set<number> | undefined;
    for (let u = unit; u >= 0; u = this.units[u].host) {
      this.work++;
      const own = this.units[u].table.get(name);
      if (own) return own;
      if (this.units[u].uses.length === 0) continue;
      // Used modules, breadth first (modules see only what they use, not a host).
      visited ??= new Set<number>();
      const queue = this.units[u].uses.slice();
      for (let q = 0; q < queue.length && visited.size < MAX_MODULES_VISITED; q++) {
        this.work++;
        const m = this.modules.get(queue[q]);
        if (m === undefined || m === u || visited.has(m)) continue;
        visited.add(m);
        const s = this.units[m].table.get(name);
        if (s) return s;
        for (const next of this.units[m].uses) queue.push(next);
      }
    }
    return unit === 0 ? undefined : this.units[0].table.get(name);
  }
}

function newUnit(name: string, host: number): Unit {
  return { name, host, table: new Map(), uses: [], cache: new Map() };
}

export interface Resolved {
  kind: LeafKind;
  role?: NameClass;
}

const KEYWORD: Resolved = { kind: 'keyword' };
const ROLE: Record<NameClass, Resolved> = {
  arg: { kind: 'name', role: 'arg' },
  var: { kind: 'name', role: 'var' },
  arr: { kind: 'name', role: 'arr' },
  func: { kind: 'name', role: 'func' },
  field: { kind: 'name', role: 'field' },
  type: { kind: 'name', role: 'type' },
  num: { kind: 'literal', role: 'num' },
  char: { kind: 'literal', role: 'char' },
  str: { kind: 'literal', role: 'str' },
};

function resolveRef(sym: Sym | undefined, name: string): Resolved {
  if (!sym) return isLibraryConstant(name) ? KEYWORD : ROLE.var;
  if (sym.type) return ROLE.type;
  if (sym.intrinsic) return KEYWORD;
  if (sym.var || sym.arg || sym.array) return ROLE.var;
  return sym.func ? ROLE.func : ROLE.var;
}

/** The final kind and role of a pending occurrence; `calleeKind` is the resolved kind of a Kwarg's callee. */
export function resolvePending(
  pending: Pending,
  aux: number,
  sym: Sym | undefined,
  name: string,
  calleeKind: LeafKind | undefined,
): Resolved {
  switch (pending) {
    case Pending.Ref:
      return resolveRef(sym, name);
    case Pending.UseName:
      return isLibraryProcedure(name) ? KEYWORD : resolveRef(sym, name);
    case Pending.Call:
      if (!sym) return isLibraryProcedure(name) ? KEYWORD : ROLE.func;
      if (sym.type) return ROLE.type;
      if (sym.array) return ROLE.arr;
      if (sym.intrinsic) return KEYWORD;
      if (sym.func) return ROLE.func;
      // A typed scalar followed by `(`: a substring when there is a colon, else a typed external function.
      return sym.var && aux === 1 ? ROLE.var : ROLE.func;
    case Pending.LhsCall:
      return sym && !sym.array && sym.var && aux === 1 ? ROLE.var : ROLE.arr;
    case Pending.Kwarg:
      return calleeKind === 'keyword' ? KEYWORD : ROLE.var;
    case Pending.Callee:
      if (sym?.intrinsic) return KEYWORD;
      if (sym) return ROLE.func;
      return isLibraryProcedure(name) ? KEYWORD : ROLE.func;
    default:
      return ROLE.var;
  }
}
