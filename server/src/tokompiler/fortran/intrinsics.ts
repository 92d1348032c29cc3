/**
 * The Fortran names that stay verbatim (keyword leaves): intrinsic procedures, names from the standard and HPC library
 * modules, and the words of OpenMP/OpenACC clauses. Statement keywords are recognised by position in `statements.ts`,
 * not from a table, because Fortran has no reserved words (`real`, `type`, `data` can be variable names).
 */

function set(words: string): ReadonlySet<string> {
  return new Set(words.trim().split(/\s+/));
}

/**
 * Intrinsic procedures (Fortran 2018 generic names plus the old specific names still common in HPC code). They are
 * keywords only where they are called (`name(` or `call name`) and the scope does not declare the name itself:
 * `sum = sum + x` in F77 code is a variable.
 */
export const INTRINSIC_PROCEDURES = set(`
  abs achar acos acosh adjustl adjustr aimag aint all allocated anint any asin asinh associated atan atan2 atanh
  atomic_add atomic_define atomic_ref bessel_j0 bessel_j1 bessel_jn bessel_y0 bessel_y1 bessel_yn bge bgt bit_size ble
  blt btest ceiling char cmplx co_broadcast co_max co_min co_reduce co_sum command_argument_count conjg cos cosh count
  cpu_time cshift date_and_time dble digits dim dot_product dprod dshiftl dshiftr eoshift epsilon erf erfc erfc_scaled
  execute_command_line exp exponent extends_type_of findloc floor fraction gamma get_command get_command_argument
  get_environment_variable huge hypot iachar iall iand iany ibclr ibits ibset ichar ieor image_index index int ior
  iparity ishft ishftc is_contiguous is_iostat_end is_iostat_eor kind lbound lcobound leadz len len_trim lge lgt lle llt
  log log10 log_gamma logical maskl maskr matmul max maxexponent maxloc maxval merge merge_bits min minexponent minloc
  minval mod modulo move_alloc mvbits nearest new_line nint norm2 not null num_images out_of_range pack parity popcnt
  poppar precision present product radix random_init random_number random_seed range rank real reduce repeat reshape
  rrspacing same_type_as scale scan selected_char_kind selected_int_kind selected_real_kind set_exponent shape shifta
  shiftl shiftr sign sin sinh size sizeof spacing spread sqrt storage_size sum system_clock tan tanh this_image tiny
  trailz transfer transpose trim ubound ucobound unpack verify
  dabs dsqrt dexp dlog dlog10 dsin dcos dtan dasin dacos datan datan2 dsinh dcosh dtanh dmax1 dmin1 amax1 amin1 max0
  min0 amax0 amin0 max1 min1 dsign isign idint ifix float sngl dfloat iabs alog alog10 cabs csqrt cexp clog csin ccos
  dint dnint idnint dmod amod dconjg dimag dcmplx etime dtime
  c_loc c_funloc c_f_pointer c_f_procpointer c_associated c_sizeof compiler_version compiler_options
  ieee_is_nan ieee_is_finite ieee_value ieee_class ieee_copy_sign ieee_is_normal ieee_get_flag ieee_set_flag
`);

/** Named constants and types of the intrinsic modules: keywords wherever they appear (they are rarely redeclared). */
export const LIBRARY_CONSTANTS = set(`
  c_int c_short c_long c_long_long c_signed_char c_size_t c_int8_t c_int16_t c_int32_t c_int64_t c_intptr_t c_intmax_t
  c_ptrdiff_t c_float c_double c_long_double c_float_complex c_double_complex c_long_double_complex c_bool c_char
  c_null_char c_new_line c_carriage_return c_horizontal_tab c_ptr c_funptr c_null_ptr c_null_funptr
  int8 int16 int32 int64 real32 real64 real128 input_unit output_unit error_unit iostat_end iostat_eor
  character_storage_size numeric_storage_size file_storage_size atomic_int_kind atomic_logical_kind lock_type
  integer_kinds real_kinds logical_kinds character_kinds
  ieee_positive_inf ieee_negative_inf ieee_quiet_nan ieee_signaling_nan ieee_overflow ieee_underflow
  ieee_divide_by_zero ieee_invalid ieee_inexact
`);

/** Intrinsic and de-facto standard modules (`use omp_lib`): keywords, not program-unit names. */
export const STANDARD_MODULES = set(`
  omp_lib omp_lib_kinds iso_c_binding iso_fortran_env ieee_arithmetic ieee_exceptions ieee_features mpi mpi_f08 openacc
`);

/**
 * OpenMP, MPI and OpenACC runtime names (`omp_get_thread_num`, `mpi_comm_world`, `acc_get_num_devices`) are all
 * prefixed, so the prefix identifies them without a list that would always be out of date.
 */
export function isRuntimeName(lower: string): boolean {
  return lower.startsWith('omp_') || lower.startsWith('mpi_') || lower.startsWith('acc_');
}

/** Whether a called name (`name(...)`, `call name`) that the scope does not declare stays verbatim. */
export function isLibraryProcedure(lower: string): boolean {
  return INTRINSIC_PROCEDURES.has(lower) || LIBRARY_CONSTANTS.has(lower) || isRuntimeName(lower);
}

/** Whether a plain reference (no parenthesis after it) that the scope does not declare stays verbatim. */
export function isLibraryConstant(lower: string): boolean {
  return LIBRARY_CONSTANTS.has(lower) || isRuntimeName(lower);
}

/** Intrinsic type keywords that start a type specification. */
export const INTRINSIC_TYPES = set('integer real complex logical character byte doubleprecision doublecomplex');

/** Procedure prefixes that may precede `function` / `subroutine` (with an optional type specification). */
export const PROCEDURE_PREFIXES = set('recursive pure elemental impure module non_recursive');

/** Attributes of type declaration statements and derived types (`dimension`, `intent` and `bind` take arguments). */
export const ATTRIBUTES = set(`
  allocatable asynchronous contiguous external intrinsic optional parameter pointer protected save target value volatile
  public private deferred nopass pass non_overridable abstract sequence dimension codimension intent bind kind len
  extends
`);

/**
 * Clauses whose arguments are words of the directive language rather than program names: `schedule(static, 4)`,
 * `default(none)`, `proc_bind(close)`.
 */
export const CLAUSE_VALUE_WORDS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['schedule', set('static dynamic guided auto runtime monotonic nonmonotonic simd')],
  ['dist_schedule', set('static')],
  ['default', set('none shared private firstprivate present')],
  ['proc_bind', set('master close spread primary')],
  ['order', set('concurrent reproducible unconstrained')],
  ['bind', set('teams parallel thread')],
  ['defaultmap', set('alloc to from tofrom firstprivate none default present scalar aggregate allocatable pointer')],
  ['device_type', set('host nohost any')],
  ['atomic_default_mem_order', set('seq_cst acq_rel acquire release relaxed')],
]);

/** Clauses written `list : value` (the names come before the colon); elsewhere words before a colon are modifiers. */
export const LIST_FIRST_CLAUSES = set('linear aligned');

/** Input/output statements whose control list is `(unit, fmt, key=value…)`. */
export const IO_STATEMENTS = set('write read open close inquire rewind backspace endfile flush wait print');

/** Keyword arguments of allocate/deallocate, which are not program names. */
export const ALLOCATE_KEYWORDS = set('stat errmsg source mold');

/** What may follow `end` (also written joined: `enddo`, `endsubroutine`). */
export const END_KINDS = set(`
  do if select where forall associate block critical type interface module submodule subroutine function program enum
  procedure blockdata team
`);
