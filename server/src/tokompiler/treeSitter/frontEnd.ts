/**
 * The tree-sitter front end: walks a parse tree with a cursor (one WASM call per step, no node objects) and emits the
 * leaves with the role each occurrence suggests (see rules.ts), the function scopes and the error regions.
 */
import type { Parser } from 'web-tree-sitter';
import type { FrontEnd, Leaf, NameClass, ParsedSource, Scope } from '../types';
import { directiveLeaves } from './directiveText';
import { createParser, type TreeSitterLanguage } from './grammars';
import { type LanguageRules, RULES } from './rules';

export async function createTreeSitterFrontEnd(language: TreeSitterLanguage): Promise<FrontEnd> {
  const parser = await createParser(language);
  return { language, parse: (source) => parseWith(parser, RULES[language], language, source) };
}

/** What one read of the input hands the parser (web-tree-sitter copies up to 10 kB, 5,120 UTF-16 units, per read). */
const CHUNK = 5000;

/** Node type names, whether each is named, and field names, by id: read once per language, not once per node. */
interface Tables {
  types: string[];
  named: boolean[];
  fields: (string | null)[];
}
const tablesByParser = new WeakMap<Parser, Tables>();

function tablesFor(parser: Parser): Tables {
  let t = tablesByParser.get(parser);
  if (!t) {
    const lang = parser.language!;
    const types: string[] = [];
    const named: boolean[] = [];
    for (let id = 0; id < lang.nodeTypeCount; id++) {
      types.push(lang.nodeTypeForId(id) ?? '');
      named.push(lang.nodeTypeIsNamed(id));
    }
    const fields: (string | null)[] = [null];
    for (let id = 1; id <= lang.fieldCount; id++) fields.push(lang.fieldNameForId(id));
    tablesByParser.set(parser, (t = { types, named, fields }));
  }
  return t;
}

function parseWith(parser: Parser, rules: LanguageRules, language: string, source: string): ParsedSource {
  // Given a string, web-tree-sitter hands the parser `source.slice(index)` — the whole rest — on every read, and the
  // parser reads often: a bounded slice keeps that linear.
  const tree = parser.parse((index) => (index < source.length ? source.slice(index, index + CHUNK) : ''));
  if (!tree) throw new Error(`tree-sitter could not parse this ${language} text`);
  try {
    return walk(tree.walk(), tablesFor(parser), rules, language, source);
  } finally {
    tree.delete();
  }
}

type Cursor = ReturnType<NonNullable<ReturnType<Parser['parse']>>['walk']>;

function walk(cursor: Cursor, tables: Tables, rules: LanguageRules, language: string, source: string): ParsedSource {
  const leaves: Leaf[] = [];
  const scopes: Scope[] = [];
  const errors: { start: number; end: number }[] = [];
  const functionTypes = new Set(rules.functions);
  const commentTypes = new Set(rules.comments);
  // Per depth: the node's type and the role its ancestors pass down to it.
  const types: string[] = [];
  const roles: (NameClass | '')[] = [''];
  let errorDepth = -1;
  let scopeDepth = -1;
  let scope = -1;
  let pendingEol = -1;

  const push = (leaf: Leaf) => {
    if (pendingEol >= 0 && leaf.start >= pendingEol) {
      leaves.push({ text: '', start: pendingEol, end: pendingEol, kind: 'eol', scope: leaf.scope });
      pendingEol = -1;
    }
    if (errorDepth >= 0) leaf.broken = true;
    leaves.push(leaf);
    // A preprocessor line ends at the first newline not escaped by a backslash.
    if (leaf.kind === 'directive' && leaf.text.startsWith('#')) pendingEol = lineEnd(source, leaf.end);
  };

  // Every cursor call crosses into WASM: an inner node costs its type id and the field id read when the cursor moves
  // onto it; only leaves and the few node types that matter ask for their offsets.
  let depth = 0;
  let field: string | null = null;
  for (;;) {
    const typeId = cursor.nodeTypeId;
    // ERROR nodes have an id past the language's types (0xFFFF): ask the cursor for anything the table lacks.
    const type = tables.types[typeId] ?? cursor.nodeType;
    const named = tables.named[typeId] ?? cursor.nodeIsNamed;
    const inherited = roles[depth];
    types[depth] = type;
    let descend = true;
    const literal = named && Object.hasOwn(rules.literals, type);
    const comment = named && commentTypes.has(type);
    const isFunction = scopeDepth < 0 && functionTypes.has(type);
    if (literal || comment || isFunction || type === 'ERROR' || type === 'preproc_arg' || type === 'system_lib_string' || field === 'path') {
      const start = cursor.startIndex;
      const end = cursor.endIndex;
      if (start === end && cursor.nodeIsMissing) {
        errors.push({ start, end });
        descend = false;
      } else {
        if (type === 'ERROR' && errorDepth < 0) {
          errors.push({ start, end });
          errorDepth = depth;
        }
        if (isFunction) {
          scopeDepth = depth;
          scope = scopes.length;
          scopes.push({ start, end, name: functionName(source, cursor) });
        }
        if (literal) push({ text: source.slice(start, end), start, end, kind: 'literal', role: rules.literals[type], scope });
        else if (comment) push({ text: source.slice(start, end), start, end, kind: 'comment', scope });
        else if (type === 'preproc_arg') {
          const pragma = leaves.length > 0 && leaves[leaves.length - 1].text === '#pragma';
          for (const leaf of directiveLeaves(source.slice(start, end), start, scope, pragma, rules.verbatim)) push(leaf);
        } else if (type === 'system_lib_string' || field === 'path') push({ text: source.slice(start, end), start, end, kind: 'directive', scope });
        descend = !(literal || comment || type === 'preproc_arg' || type === 'system_lib_string' || field === 'path');
      }
    }
    if (descend) {
      if (cursor.gotoFirstChild()) {
        depth++;
        field = needsField(rules, type) ? (tables.fields[cursor.currentFieldId] ?? null) : null;
        roles[depth] = childRole(rules, type, field, inherited);
        continue;
      }
      // No children: a leaf (or a MISSING node, which has no text).
      const start = cursor.startIndex;
      const end = cursor.endIndex;
      if (end > start) push(leafFor(rules, type, named, source.slice(start, end), start, end, inherited, scope));
      else if (cursor.nodeIsMissing) errors.push({ start, end });
    }
    // The node's subtree is done: on to its next sibling, or up until there is one.
    for (;;) {
      if (errorDepth === depth) errorDepth = -1;
      if (scopeDepth === depth) {
        scopeDepth = -1;
        scope = -1;
      }
      if (depth > 0 && cursor.gotoNextSibling()) {
        field = needsField(rules, types[depth - 1]) ? (tables.fields[cursor.currentFieldId] ?? null) : null;
        roles[depth] = childRole(rules, types[depth - 1], field, roles[depth - 1]);
        break;
      }
      if (depth === 0 || !cursor.gotoParent()) return finish();
      depth--;
    }
  }

  function finish(): ParsedSource {
    if (pendingEol >= 0) leaves.push({ text: '', start: pendingEol, end: pendingEol, kind: 'eol', scope: -1 });
    return { language, leaves, scopes, errors };
  }
}

/** Whether a child's field name matters under a parent of this type: its rule is by field, or it names a path. */
function needsField(rules: LanguageRules, parentType: string): boolean {
  const rule = rules.contexts[parentType];
  return (rule !== undefined && typeof rule !== 'string') || parentType.startsWith('preproc_');
}

/** The role a child passes on: its parent's rule for the child's field (or `'*'`), else what the parent had. */
function childRole(rules: LanguageRules, parentType: string, field: string | null, parentRole: NameClass | ''): NameClass | '' {
  const rule = rules.contexts[parentType];
  if (rule === undefined) return parentRole;
  if (typeof rule === 'string') return rule;
  if (field && Object.hasOwn(rule, field)) return rule[field];
  return Object.hasOwn(rule, '*') ? rule['*'] : parentRole;
}

function leafFor(rules: LanguageRules, type: string, named: boolean, text: string, start: number, end: number, inherited: NameClass | '', scope: number): Leaf {
  if (named && Object.hasOwn(rules.identifiers, type)) {
    if (rules.verbatim.has(text)) return { text, start, end, kind: 'keyword', scope };
    const own = rules.identifiers[type];
    // A field or type identifier is that whatever its context; a plain identifier takes the context's role.
    return { text, start, end, kind: 'name', role: own ?? (inherited || 'var'), scope };
  }
  if (text.startsWith('#')) return { text, start, end, kind: 'directive', scope };
  if (named || /^[A-Za-z_]/.test(text)) return { text, start, end, kind: 'keyword', scope };
  return { text, start, end, kind: 'punct', scope };
}

function functionName(source: string, cursor: Cursor): string | undefined {
  const node = cursor.currentNode;
  let declarator = node.childForFieldName('name') ?? node.childForFieldName('declarator');
  while (declarator && declarator.type !== 'identifier' && declarator.type !== 'field_identifier') {
    declarator = declarator.childForFieldName('declarator') ?? declarator.namedChild(0);
  }
  return declarator ? source.slice(declarator.startIndex, declarator.endIndex) : undefined;
}

function lineEnd(source: string, from: number): number {
  for (let i = source.indexOf('\n', from); i >= 0; i = source.indexOf('\n', i + 1)) {
    let j = i - 1;
    if (source[j] === '\r') j--;
    if (source[j] !== '\\') return i;
  }
  return source.length;
}
