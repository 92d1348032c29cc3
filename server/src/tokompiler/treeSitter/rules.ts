/**
 * How each grammar's nodes map onto Tokompiler roles. The reference walks the C/C++ tree with a "kind" inherited from
 * the nearest interesting ancestor (parameter list → arg, array declarator → arr, call or function declarator →
 * func; argument lists, field expressions and blocks reset it). We do the same through (node type, field) rules, with
 * one deliberate difference: only an array declarator's *name* is an array — the reference also made every name in
 * the size expression (`int a[n]` → n) an array.
 */
import type { NameClass } from '../types';

/** '' resets the inherited role; a class sets it; undefined keeps what the parent passed down. */
type Context = NameClass | '';

export interface LanguageRules {
  /** Context for every child of a node of this type, or per field of it (`'*'` for the children without a field). */
  contexts: Record<string, Context | Record<string, Context>>;
  /** Named leaf types that are identifiers, and the role each has on its own (before any context). */
  identifiers: Record<string, NameClass | undefined>;
  /** Node types taken whole as one literal leaf, and their class. */
  literals: Record<string, NameClass>;
  /** Node types that are comments. */
  comments: string[];
  /** Node types whose definitions open a function scope. */
  functions: string[];
  /** Names kept verbatim: the language's standard library and runtime names. */
  verbatim: Set<string>;
}

const OPENMP_RUNTIME = 'omp_get_thread_num omp_get_num_threads omp_get_max_threads omp_set_num_threads omp_get_wtime omp_get_wtick omp_in_parallel omp_get_num_procs omp_init_lock omp_set_lock omp_unset_lock omp_destroy_lock omp_get_team_num omp_get_num_teams omp_get_num_devices omp_target_alloc omp_target_free omp_target_memcpy omp_is_initial_device omp_lock_t';
const MPI = 'MPI_Init MPI_Finalize MPI_Comm_rank MPI_Comm_size MPI_Send MPI_Recv MPI_Isend MPI_Irecv MPI_Wait MPI_Waitall MPI_Barrier MPI_Bcast MPI_Reduce MPI_Allreduce MPI_Gather MPI_Scatter MPI_Wtime MPI_COMM_WORLD MPI_INT MPI_DOUBLE MPI_FLOAT MPI_SUM MPI_MAX MPI_MIN MPI_Status MPI_Request MPI_Comm MPI_STATUS_IGNORE';
const C_LIBRARY =
  'printf fprintf sprintf snprintf scanf fscanf sscanf puts putchar getchar fopen fclose fread fwrite fgets fputs fflush malloc calloc realloc free memcpy memmove memset memcmp strlen strcpy strncpy strcat strcmp strncmp strchr strstr strdup atoi atof atol strtol strtod exit abort atexit qsort bsearch rand srand abs labs sqrt sqrtf pow powf fabs fabsf exp expf log logf log2 log10 sin cos tan asin acos atan atan2 sinh cosh tanh floor ceil round fmod fmin fmax hypot erf isnan isinf assert clock time difftime gettimeofday FILE stdin stdout stderr EOF EXIT_SUCCESS EXIT_FAILURE RAND_MAX INT_MAX INT_MIN DBL_MAX DBL_MIN FLT_MAX DBL_EPSILON FLT_EPSILON M_PI errno timeval clock_t time_t CLOCKS_PER_SEC';
const CPP_LIBRARY = 'std cout cerr cin endl vector map unordered_map set unordered_set string pair tuple array list deque queue stack unique_ptr shared_ptr make_unique make_shared move forward swap sort min max size begin end push_back emplace_back thread mutex lock_guard chrono';
const PYTHON_BUILTINS = 'print len range enumerate zip map filter sorted reversed sum min max abs int float str bool list dict set tuple open isinstance super self cls object Exception ValueError TypeError KeyError IndexError __init__ __name__ __main__ np numpy os sys math';
const JS_GLOBALS = 'console log Math JSON Object Array String Number Boolean Promise Map Set Error undefined window document require module exports process Date RegExp Symbol parseInt parseFloat setTimeout clearTimeout length push';
const GO_BUILTINS = 'fmt Println Printf Sprintf make len cap append copy delete panic recover new error string int int64 float64 bool byte rune nil';
const RUST_BUILTINS = 'println print format vec Vec String Option Some None Result Ok Err Box self Self main std';
const JAVA_BUILTINS = 'System out println print String Math Integer Double List ArrayList Map HashMap Object main args length';

const words = (...lists: string[]) => new Set(lists.join(' ').split(' ').filter(Boolean));

const C_COMMON: Pick<LanguageRules, 'identifiers' | 'literals' | 'comments'> = {
  identifiers: { identifier: undefined, field_identifier: 'field', type_identifier: 'type', namespace_identifier: 'type', statement_identifier: 'var' },
  literals: { number_literal: 'num', char_literal: 'char', string_literal: 'str', raw_string_literal: 'str', user_defined_literal: 'num' },
  comments: ['comment'],
};

const C_CONTEXTS: LanguageRules['contexts'] = {
  parameter_list: 'arg',
  parameter_declaration: 'arg',
  optional_parameter_declaration: 'arg',
  variadic_parameter_declaration: 'arg',
  preproc_params: 'arg',
  array_declarator: { declarator: 'arr', '*': '' },
  call_expression: { function: 'func', arguments: '' },
  function_declarator: { declarator: 'func', parameters: 'arg' },
  argument_list: '',
  field_expression: '',
  compound_statement: '',
  initializer_list: '',
  subscript_expression: '',
};

export const RULES: Record<string, LanguageRules> = {
  c: { ...C_COMMON, contexts: C_CONTEXTS, functions: ['function_definition'], verbatim: words(C_LIBRARY, OPENMP_RUNTIME, MPI) },
  cpp: {
    ...C_COMMON,
    contexts: { ...C_CONTEXTS, template_argument_list: '', lambda_expression: '' },
    functions: ['function_definition'],
    verbatim: words(C_LIBRARY, CPP_LIBRARY, OPENMP_RUNTIME, MPI),
  },
  python: {
    identifiers: { identifier: undefined },
    literals: { integer: 'num', float: 'num', string: 'str', concatenated_string: 'str' },
    comments: ['comment'],
    contexts: {
      parameters: 'arg',
      lambda_parameters: 'arg',
      call: { function: 'func', arguments: '' },
      function_definition: { name: 'func', '*': '' },
      class_definition: { name: 'type', '*': '' },
      attribute: { attribute: 'field', object: '' },
      keyword_argument: { name: 'arg', value: '' },
      block: '',
    },
    functions: ['function_definition'],
    verbatim: words(PYTHON_BUILTINS),
  },
  javascript: jsRules(),
  typescript: jsRules(),
  tsx: jsRules(),
  go: {
    identifiers: { identifier: undefined, field_identifier: 'field', type_identifier: 'type', package_identifier: 'type' },
    literals: { int_literal: 'num', float_literal: 'num', imaginary_literal: 'num', rune_literal: 'char', interpreted_string_literal: 'str', raw_string_literal: 'str' },
    comments: ['comment'],
    contexts: {
      parameter_list: 'arg',
      call_expression: { function: 'func', arguments: '' },
      function_declaration: { name: 'func', '*': '' },
      method_declaration: { name: 'func', receiver: 'arg', parameters: 'arg', '*': '' },
      argument_list: '',
      block: '',
    },
    functions: ['function_declaration', 'method_declaration'],
    verbatim: words(GO_BUILTINS),
  },
  rust: {
    identifiers: { identifier: undefined, field_identifier: 'field', type_identifier: 'type', shorthand_field_identifier: 'field' },
    literals: { integer_literal: 'num', float_literal: 'num', char_literal: 'char', string_literal: 'str', raw_string_literal: 'str' },
    comments: ['line_comment', 'block_comment'],
    contexts: {
      parameters: 'arg',
      closure_parameters: 'arg',
      call_expression: { function: 'func', arguments: '' },
      macro_invocation: { macro: 'func', '*': '' },
      function_item: { name: 'func', '*': '' },
      arguments: '',
      block: '',
    },
    functions: ['function_item'],
    verbatim: words(RUST_BUILTINS),
  },
  java: {
    identifiers: { identifier: undefined, type_identifier: 'type' },
    literals: {
      decimal_integer_literal: 'num', hex_integer_literal: 'num', octal_integer_literal: 'num', binary_integer_literal: 'num',
      decimal_floating_point_literal: 'num', hex_floating_point_literal: 'num', character_literal: 'char', string_literal: 'str',
    },
    comments: ['line_comment', 'block_comment'],
    contexts: {
      formal_parameters: 'arg',
      method_invocation: { name: 'func', object: '', arguments: '' },
      method_declaration: { name: 'func', '*': '' },
      constructor_declaration: { name: 'func', '*': '' },
      class_declaration: { name: 'type', '*': '' },
      field_access: { field: 'field', object: '' },
      argument_list: '',
      block: '',
    },
    functions: ['method_declaration', 'constructor_declaration'],
    verbatim: words(JAVA_BUILTINS),
  },
};

function jsRules(): LanguageRules {
  return {
    identifiers: { identifier: undefined, property_identifier: 'field', private_property_identifier: 'field', shorthand_property_identifier: 'field', shorthand_property_identifier_pattern: 'field', type_identifier: 'type' },
    literals: { number: 'num', string: 'str', template_string: 'str', regex: 'str' },
    comments: ['comment'],
    contexts: {
      formal_parameters: 'arg',
      call_expression: { function: 'func', arguments: '' },
      // `constructor` is also Object.prototype's: built from entries so the key is an own property.
      new_expression: Object.fromEntries([['constructor', 'type'], ['arguments', '']]) as Record<string, Context>,
      function_declaration: { name: 'func', '*': '' },
      generator_function_declaration: { name: 'func', '*': '' },
      method_definition: { name: 'func', '*': '' },
      class_declaration: { name: 'type', '*': '' },
      member_expression: { property: 'field', object: '' },
      arguments: '',
      statement_block: '',
    },
    functions: ['function_declaration', 'generator_function_declaration', 'method_definition', 'function_expression', 'arrow_function'],
    verbatim: words(JS_GLOBALS),
  };
}
