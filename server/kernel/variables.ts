import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { kernelVariable, type KernelVariable } from '../protocol/index.ts';
import type { InspectResult } from './inspect-code.ts';

/** Variables listed at most; the rest are counted (`total`). */
export const MAX_VARIABLES = 2000;
/** DataFrame columns named per variable (the model's context shows them). */
export const MAX_VARIABLE_COLUMNS = 30;
const PREVIEW_CHARS = 80;
const MARKER = '__talkbook_variables__';

/** Which of the person's names count: the checkpoint engine's own rule (one definition, in Python). */
const namespaceSource = readFileSync(fileURLToPath(new URL('../../kernel-config/startup/talkbook_checkpoint/namespace.py', import.meta.url)), 'utf8');

/**
 * Python, run silently: the person's variables (`user_ns` without IPython's names, modules and
 * what startup defined) with type, shape or length, size and a short preview. Nothing is
 * pickled, copied or fully printed: sizes come from `nbytes`, `memory_usage(deep=False)` and
 * `sys.getsizeof`, previews from a few elements, so a 1 GB DataFrame costs what a small one does.
 * Everything lives in a function that deletes itself.
 */
const pythonVariables = (hidden: readonly string[]) => `
def __talkbook_variables():
    import hashlib as _hashlib
    hidden = set(${JSON.stringify(hidden)})
    import json as _json, sys as _sys, types as _types, reprlib as _reprlib
    _ns_rules = {}
    exec(${JSON.stringify(namespaceSource)}, _ns_rules)
    shell = get_ipython()
    user_ns = shell.user_ns
    names = sorted(_ns_rules["user_names"](user_ns, getattr(shell, "user_ns_hidden", {})), key=str.lower)
    pd = _sys.modules.get("pandas")
    np = _sys.modules.get("numpy")
    short = _reprlib.Repr()
    short.maxstring = ${PREVIEW_CHARS}
    short.maxother = ${PREVIEW_CHARS}
    short.maxlist = short.maxtuple = short.maxset = short.maxfrozenset = short.maxdeque = short.maxdict = 6
    short.maxlevel = 2
    sized = (list, tuple, dict, set, frozenset, str, bytes, bytearray, range)
    scalars = (int, float, complex, bool, type(None))
    out = []
    total = 0
    for name in names:
        value = user_ns.get(name)
        if isinstance(value, _types.ModuleType) or name.startswith("__talkbook"):
            continue
        total += 1
        if len(out) >= ${MAX_VARIABLES}:
            continue
        kind = type(value)
        entry = {"name": name, "type": kind.__qualname__ if isinstance(kind.__qualname__, str) else kind.__name__}
        try:
            if pd is not None and isinstance(value, pd.DataFrame):
                entry["shape"] = [int(n) for n in value.shape]
                entry["bytes"] = int(value.memory_usage(index=True, deep=False).sum())
                columns = [[str(c), str(t)] for c, t in list(value.dtypes.items())[:${MAX_VARIABLE_COLUMNS}]]
                entry["columns"] = columns
                entry["preview"] = ", ".join(c for c, _ in columns[:8])[:${PREVIEW_CHARS}]
            elif pd is not None and isinstance(value, (pd.Series, pd.Index)):
                entry["shape"] = [int(n) for n in value.shape]
                entry["dtype"] = str(value.dtype)
                entry["bytes"] = int(value.memory_usage(index=True, deep=False)) if isinstance(value, pd.Series) else int(value.memory_usage(deep=False))
                entry["preview"] = short.repr(value[:6].tolist()) if len(value) else "[]"
            elif np is not None and isinstance(value, np.ndarray):
                entry["shape"] = [int(n) for n in value.shape]
                entry["dtype"] = str(value.dtype)
                entry["bytes"] = int(value.nbytes)
                entry["preview"] = short.repr(value.flat[:6].tolist()) if value.size else "[]"
            elif isinstance(value, scalars) or (np is not None and isinstance(value, np.generic)):
                entry["bytes"] = _sys.getsizeof(value)
                entry["preview"] = repr(value)[:${PREVIEW_CHARS}]
            elif isinstance(value, str) and hidden and len(value) <= 4096 and _hashlib.sha256(value.encode("utf-8", "replace")).hexdigest() in hidden:
                entry["length"] = len(value)
                entry["preview"] = "(hidden: a password answer)"
            elif isinstance(value, sized):
                entry["length"] = len(value)
                entry["bytes"] = _sys.getsizeof(value)
                entry["preview"] = short.repr(value[:${PREVIEW_CHARS * 2}] if isinstance(value, (str, bytes, bytearray)) else value)
            elif isinstance(value, (_types.FunctionType, _types.BuiltinFunctionType, type)):
                import inspect as _inspect
                try:
                    entry["preview"] = (name + str(_inspect.signature(value)))[:${PREVIEW_CHARS}]
                except (TypeError, ValueError):
                    entry["preview"] = name
            else:
                entry["bytes"] = _sys.getsizeof(value)
                entry["preview"] = short.repr(value)
        except Exception:
            pass
        out.append(entry)
    print(${JSON.stringify(MARKER)} + _json.dumps({"variables": out, "total": total}, default=str))
try:
    __talkbook_variables()
finally:
    del __talkbook_variables
`;

/**
 * R, run silently: the global environment's names with their class, `dim` or `length`,
 * `object.size` and a short preview, as JSON through jsonlite (IRkernel's own dependency).
 */
const R_VARIABLES = `
local({
  .tb_env <- globalenv()
  .tb_names <- ls(.tb_env)
  .tb_one <- function(n) {
    v <- get(n, envir = .tb_env)
    d <- dim(v)
    e <- list(name = n, type = class(v)[1])
    if (!is.null(d)) e$shape <- as.integer(d) else if (!is.function(v) && !is.environment(v)) e$length <- length(v)
    e$bytes <- tryCatch(as.numeric(utils::object.size(v)), error = function(err) NULL)
    if (is.data.frame(v)) e$preview <- substr(paste(utils::head(names(v), 8), collapse = ", "), 1, ${PREVIEW_CHARS})
    else if (is.atomic(v)) e$preview <- substr(paste(utils::head(format(utils::head(v, 6)), 6), collapse = " "), 1, ${PREVIEW_CHARS})
    e
  }
  .tb_all <- lapply(utils::head(.tb_names, ${MAX_VARIABLES}), .tb_one)
  cat("${MARKER}", jsonlite::toJSON(list(variables = .tb_all, total = length(.tb_names)), auto_unbox = TRUE, null = "null"), "\\n", sep = "")
  invisible(NULL)
})
`;

/** What the kernel's variables look like: which code lists them, in which language. */
export type VariablesLanguage = 'python' | 'r';

/** The languages whose variables can be listed (others get a clear empty state). */
export function variablesLanguage(language: string): VariablesLanguage | undefined {
  const lower = language.trim().toLowerCase();
  return lower === 'python' ? 'python' : lower === 'r' ? 'r' : undefined;
}

/**
 * `hiddenDigests`: SHA-256 (hex) of the conversation's password answers: a string variable
 * holding one is listed without its preview.
 */
/** The silent code that lists a kernel's variables: the same for the explorer and the model's context. */
export function variablesCode(language: VariablesLanguage, hiddenDigests: readonly string[] = []): string {
  return language === 'python' ? pythonVariables(hiddenDigests) : R_VARIABLES;
}

export interface KernelVariables {
  variables: KernelVariable[];
  /** Every variable, including those beyond `MAX_VARIABLES`. */
  total: number;
}

// R's jsonlite writes a one-element `shape` as a number (auto_unbox): take both.
const listed = z.object({
  variables: z.array(z.object({ ...kernelVariable.shape, shape: z.union([z.array(z.number().int()), z.number().int().transform((n) => [n])]).optional() })),
  total: z.number().int().min(0),
});

/** The listing from what `variablesCode` printed, or why there is none (never throws). */
export function parseVariables(result: InspectResult): { ok: true; value: KernelVariables } | { ok: false; problem: string } {
  if (result.error) return { ok: false, problem: `${result.error.ename}: ${result.error.evalue}` };
  const line = result.stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(MARKER));
  if (!line) return { ok: false, problem: 'the variable listing printed nothing' };
  let json: unknown;
  try {
    json = JSON.parse(line.slice(MARKER.length));
  } catch {
    return { ok: false, problem: 'the variable listing printed invalid JSON' };
  }
  const parsed = listed.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: 'unexpected variable listing' };
}

const TABLE_MARKER = '__talkbook_variable_table__';

/** A Python name the explorer may ask about (anything else is refused before reaching the kernel). */
export const VARIABLE_NAME = /^[\p{L}_][\p{L}\p{N}_]{0,199}$/u;

/**
 * Python, run silently: the interactive table's description of one DataFrame or Series (the
 * `talkbook_display` extension's own formatter, capped at its first rows), or `null`.
 */
export function variableTableCode(name: string): string {
  return `
def __talkbook_variable_table(name):
    import json as _json
    shell = get_ipython()
    formatter = shell.display_formatter.formatters.get("application/vnd.talkbook.table+json")
    value = shell.user_ns.get(name)
    spec = formatter(value) if formatter is not None and value is not None else None
    print(${JSON.stringify(TABLE_MARKER)} + _json.dumps(spec))
try:
    __talkbook_variable_table(${JSON.stringify(name)})
finally:
    del __talkbook_variable_table
`;
}

/** The table description `variableTableCode` printed (untrusted: the page validates it), or undefined. */
export function parseVariableTable(result: InspectResult): Record<string, unknown> | undefined {
  const line = result.stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(TABLE_MARKER));
  if (!line || result.error) return undefined;
  try {
    const value: unknown = JSON.parse(line.slice(TABLE_MARKER.length));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
