import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseProbe, PYTHON_PROBE } from '../../../server/assistant/python-probe.ts';
import { MAX_VARIABLE_COLUMNS, parseVariables, variablesCode } from '../../../server/kernel/variables.ts';

const PYTHON = '/usr/bin/python3';

function hasPandas(): boolean {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import pandas, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs the model's context probe (libraries, then the variable explorer's listing) in a plain
 * Python whose namespace plays IPython's user namespace, and reports what it printed and
 * whether the namespace is exactly as before.
 */
const HARNESS = `
import sys, json
import pandas as pd, numpy as np
ns = {"__builtins__": __builtins__}
class Shell:
    user_ns = ns
    user_ns_hidden = {}
ns["get_ipython"] = lambda: Shell
ns.update({"In": [], "Out": {}, "_": 1, "_i3": "x", "x": 1, "_cache": [1, 2, 3], "pd": pd, "np": np, "label": "abc" * 100})
ns["sales"] = pd.DataFrame({"month": ["a"] * 120, "revenue": np.arange(120.0)})
ns["prices"] = pd.Series([1, 2, 3, 4, 5], name="price")
ns["grid"] = np.zeros((3, 4))
ns["wide"] = pd.DataFrame({f"c{i}": [1, 2] for i in range(40)})
def grow(data, by=2): return data
ns["grow"] = grow
before = sorted(ns)
exec(sys.stdin.read(), ns)
print("NAMES:" + json.dumps(sorted(ns) == before))
`;

describe.skipIf(!hasPandas())('the Python context probe and the variable listing', () => {
  it('lists the person’s variables (not IPython’s, not modules) and leaves the namespace as it was', () => {
    const out = execFileSync(PYTHON, ['-c', HARNESS], { input: PYTHON_PROBE + variablesCode('python'), encoding: 'utf8' });
    expect(out).toContain('NAMES:true');
    const probe = parseProbe({ stdout: out, stderr: '' });
    if (!probe.ok) throw new Error(probe.problem);
    expect(probe.value.libraries.map((l) => l.name)).toContain('pandas');
    const parsed = parseVariables({ stdout: out, stderr: '' });
    if (!parsed.ok) throw new Error(parsed.problem);
    const { variables, total } = parsed.value;
    expect(variables.map((v) => v.name)).toEqual(['_cache', 'grid', 'grow', 'label', 'prices', 'sales', 'wide', 'x']);
    expect(total).toBe(8);
    const byName = Object.fromEntries(variables.map((v) => [v.name, v]));
    expect(byName.sales).toMatchObject({ type: 'DataFrame', shape: [120, 2], columns: [['month', 'object'], ['revenue', 'float64']], preview: 'month, revenue' });
    expect(byName.sales!.bytes).toBeGreaterThan(120 * 8);
    expect(byName.prices).toMatchObject({ type: 'Series', shape: [5], dtype: 'int64', preview: '[1, 2, 3, 4, 5]' });
    expect(byName.grid).toMatchObject({ type: 'ndarray', shape: [3, 4], dtype: 'float64', bytes: 96 });
    expect(byName.x).toMatchObject({ type: 'int', preview: '1' });
    expect(byName._cache).toMatchObject({ type: 'list', length: 3, preview: '[1, 2, 3]' });
    expect(byName.label!.length).toBe(300);
    expect(byName.label!.preview!.length).toBeLessThanOrEqual(80);
    expect(byName.grow).toMatchObject({ type: 'function', preview: 'grow(data, by=2)' });
    expect(byName.wide!.columns).toHaveLength(MAX_VARIABLE_COLUMNS);
  });
});

describe('parseProbe and parseVariables', () => {
  it('report errors and garbage instead of throwing', () => {
    expect(parseProbe({ stdout: '', stderr: '', error: { ename: 'NameError', evalue: 'x' } })).toEqual({ ok: false, problem: 'NameError: x' });
    expect(parseProbe({ stdout: 'hello\n', stderr: '' })).toMatchObject({ ok: false });
    expect(parseProbe({ stdout: '__talkbook_probe__{"libraries": 3}\n', stderr: '' })).toMatchObject({ ok: false });
    expect(parseVariables({ stdout: '__talkbook_variables__{"variables": [{"name": 1}], "total": 1}\n', stderr: '' })).toMatchObject({ ok: false });
    // R's jsonlite unboxes a one-element dim.
    expect(parseVariables({ stdout: '__talkbook_variables__{"variables": [{"name": "v", "type": "array", "shape": 3}], "total": 1}\n', stderr: '' })).toEqual({
      ok: true,
      value: { variables: [{ name: 'v', type: 'array', shape: [3] }], total: 1 },
    });
  });
});
