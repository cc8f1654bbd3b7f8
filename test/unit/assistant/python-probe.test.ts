import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MAX_COLUMNS, MAX_FRAMES, parseProbe, PYTHON_PROBE } from '../../../server/assistant/python-probe.ts';

function hasPython(): boolean {
  try {
    execFileSync('python3', ['-c', 'print(1)'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs the probe in a plain Python with a stand-in `pandas` module, in a namespace that plays
 * the kernel's user namespace, and reports the probe's output and the namespace afterwards.
 */
const HARNESS = `
import sys, types, json
pd = types.ModuleType("pandas")
class _Dtypes:
    def __init__(self, d): self.d = d
    def items(self): return iter(self.d.items())
class DataFrame:
    def __init__(self, cols, rows):
        self.dtypes = _Dtypes(cols); self.shape = (rows, len(cols))
class Series:
    def __init__(self, n, dtype, name):
        self.shape = (n,); self.dtype = dtype; self.name = name
pd.DataFrame = DataFrame; pd.Series = Series
sys.modules["pandas"] = pd
ns = {"__builtins__": __builtins__, "x": 1, "_private": DataFrame({"a": "int64"}, 1)}
ns["sales"] = DataFrame({"month": "object", "revenue": "float64"}, 120)
ns["prices"] = Series(5, "int64", "price")
ns["wide"] = DataFrame({f"c{i}": "int64" for i in range(40)}, 2)
for i in range(25):
    ns[f"z{i:02d}"] = DataFrame({"v": "int64"}, i)
before = sorted(ns)
exec(sys.stdin.read(), ns)
print("NAMES:" + json.dumps(sorted(ns) == before))
`;

describe.skipIf(!hasPython())('the Python context probe', () => {
  it('summarizes frames within limits and leaves the namespace as it was', () => {
    const out = execFileSync('python3', ['-c', HARNESS], { input: PYTHON_PROBE, encoding: 'utf8' });
    expect(out).toContain('NAMES:true');
    const parsed = parseProbe({ stdout: out, stderr: '' });
    if (!parsed.ok) throw new Error(parsed.problem);
    const { frames, frameCount } = parsed.value;
    expect(frameCount).toBe(28);
    expect(frames).toHaveLength(MAX_FRAMES);
    expect(frames.map((f) => f.name)).not.toContain('_private');
    expect(frames.find((f) => f.name === 'sales')).toEqual({
      name: 'sales',
      kind: 'DataFrame',
      rows: 120,
      columns: [
        ['month', 'object'],
        ['revenue', 'float64'],
      ],
      columnCount: 2,
    });
    expect(frames.find((f) => f.name === 'prices')).toEqual({ name: 'prices', kind: 'Series', rows: 5, dtype: 'int64', seriesName: 'price' });
    const wide = frames.find((f) => f.name === 'wide');
    expect(wide?.kind === 'DataFrame' && wide.columns.length).toBe(MAX_COLUMNS);
    expect(wide?.kind === 'DataFrame' && wide.columnCount).toBe(40);
    expect(Array.isArray(parsed.value.libraries)).toBe(true);
  });
});

describe('parseProbe', () => {
  it('reports errors and garbage instead of throwing', () => {
    expect(parseProbe({ stdout: '', stderr: '', error: { ename: 'NameError', evalue: 'x' } })).toEqual({ ok: false, problem: 'NameError: x' });
    expect(parseProbe({ stdout: 'hello\n', stderr: '' })).toMatchObject({ ok: false });
    expect(parseProbe({ stdout: '__talkbook_probe__{"libraries": 3}\n', stderr: '' })).toMatchObject({ ok: false });
  });
});
