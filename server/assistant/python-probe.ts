import { z } from 'zod';
import type { InspectResult } from '../kernel/inspect-code.ts';

export const MAX_FRAMES = 20;
export const MAX_COLUMNS = 30;

/** Libraries worth telling the model about: import name → distribution name. */
const LIBRARIES: Record<string, string> = {
  pandas: 'pandas',
  numpy: 'numpy',
  matplotlib: 'matplotlib',
  scipy: 'scipy',
  sklearn: 'scikit-learn',
  seaborn: 'seaborn',
  statsmodels: 'statsmodels',
  plotly: 'plotly',
  polars: 'polars',
  pyarrow: 'pyarrow',
  sympy: 'sympy',
  PIL: 'pillow',
  openpyxl: 'openpyxl',
  requests: 'requests',
  bs4: 'beautifulsoup4',
  duckdb: 'duckdb',
};

const MARKER = '__talkbook_probe__';

/**
 * Python run silently before each turn: which libraries exist (without importing them) and a
 * summary of the live DataFrames and Series. Everything lives inside a function that deletes
 * itself, so the person's namespace is left exactly as it was. pandas is only looked at when
 * it is already imported (no DataFrame can exist otherwise), so the probe stays fast.
 */
export const PYTHON_PROBE = `
def __talkbook_probe():
    import importlib.metadata as _md, importlib.util as _util, json as _json, sys as _sys
    libraries = []
    for module, dist in ${JSON.stringify(Object.entries(LIBRARIES))}:
        try:
            if _util.find_spec(module) is None:
                continue
        except Exception:
            continue
        try:
            version = _md.version(dist)
        except Exception:
            version = None
        libraries.append({"name": module if module != "PIL" else "PIL (pillow)", "version": version})
    frames = []
    total = 0
    pd = _sys.modules.get("pandas")
    if pd is not None:
        try:
            ns = get_ipython().user_ns
        except Exception:
            ns = globals()
        for name, value in sorted(ns.items(), key=lambda item: str(item[0])):
            if not isinstance(name, str) or name.startswith("_"):
                continue
            try:
                if isinstance(value, pd.DataFrame):
                    total += 1
                    if len(frames) >= ${MAX_FRAMES}:
                        continue
                    columns = [[str(c), str(t)] for c, t in list(value.dtypes.items())[:${MAX_COLUMNS}]]
                    frames.append({"name": name, "kind": "DataFrame", "rows": int(value.shape[0]),
                                   "columns": columns, "columnCount": int(value.shape[1])})
                elif isinstance(value, pd.Series):
                    total += 1
                    if len(frames) >= ${MAX_FRAMES}:
                        continue
                    frames.append({"name": name, "kind": "Series", "rows": int(value.shape[0]),
                                   "dtype": str(value.dtype),
                                   "seriesName": None if value.name is None else str(value.name)})
            except Exception:
                continue
    print(${JSON.stringify(MARKER)} + _json.dumps({"libraries": libraries, "frames": frames, "frameCount": total}))
try:
    __talkbook_probe()
finally:
    del __talkbook_probe
`;

const library = z.object({ name: z.string(), version: z.string().nullable() });

const frame = z.discriminatedUnion('kind', [
  z.object({
    name: z.string(),
    kind: z.literal('DataFrame'),
    rows: z.number().int(),
    columns: z.array(z.tuple([z.string(), z.string()])),
    columnCount: z.number().int(),
  }),
  z.object({
    name: z.string(),
    kind: z.literal('Series'),
    rows: z.number().int(),
    dtype: z.string(),
    seriesName: z.string().nullable(),
  }),
]);

export const probeResult = z.object({
  libraries: z.array(library),
  frames: z.array(frame),
  frameCount: z.number().int(),
});
export type ProbeResult = z.infer<typeof probeResult>;
export type LiveFrame = z.infer<typeof frame>;

/** The probe's answer, or why there is none (it never throws). */
export function parseProbe(result: InspectResult): { ok: true; value: ProbeResult } | { ok: false; problem: string } {
  if (result.error) return { ok: false, problem: `${result.error.ename}: ${result.error.evalue}` };
  const line = result.stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(MARKER));
  if (!line) return { ok: false, problem: 'the probe printed nothing' };
  let json: unknown;
  try {
    json = JSON.parse(line.slice(MARKER.length));
  } catch {
    return { ok: false, problem: 'the probe printed invalid JSON' };
  }
  const parsed = probeResult.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, problem: 'unexpected probe output' };
}
