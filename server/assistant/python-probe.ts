import { z } from 'zod';
import type { InspectResult } from '../kernel/inspect-code.ts';

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
 * Python run silently before each turn: which libraries exist (without importing them). The
 * kernel's variables come from the variable explorer's own listing (`server/kernel/variables.ts`),
 * run in the same silent execution, so the model is told what the person sees. Everything lives
 * inside a function that deletes itself: the person's namespace is left exactly as it was.
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
    print(${JSON.stringify(MARKER)} + _json.dumps({"libraries": libraries}))
try:
    __talkbook_probe()
finally:
    del __talkbook_probe
`;

const library = z.object({ name: z.string(), version: z.string().nullable() });

export const probeResult = z.object({ libraries: z.array(library) });
export type ProbeResult = z.infer<typeof probeResult>;

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
