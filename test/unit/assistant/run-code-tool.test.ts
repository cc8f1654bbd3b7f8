import { describe, expect, it } from 'vitest';
import { parseRunCodeCall, runCodeTool } from '../../../server/assistant/run-code-tool.ts';

const call = (args: string, name = 'run_code') => parseRunCodeCall({ id: 'call_1', name, arguments: args });

describe('parseRunCodeCall', () => {
  it('reads {"code": …}', () => {
    expect(call('{"code": "print(1)\\nprint(2)"}')).toEqual({ ok: true, code: 'print(1)\nprint(2)' });
  });

  it('accepts a JSON string or bare code (lenient with local models)', () => {
    expect(call('"print(1)"')).toEqual({ ok: true, code: 'print(1)' });
    expect(call('import math\nprint(math.pi)')).toEqual({ ok: true, code: 'import math\nprint(math.pi)' });
  });

  it('explains broken JSON, a missing code field, empty code and unknown tools', () => {
    const broken = call('{"code": "print(1)');
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.problem).toMatch(/not valid JSON .* Call run_code again with a JSON object like \{"code": "print\(1 \+ 1\)"\}/);
    const missing = call('{"source": "print(1)"}');
    expect(!missing.ok && missing.problem).toContain('must be a JSON object with a string field "code"');
    expect(!missing.ok && missing.problem).toContain('{"source": "print(1)"}');
    const empty = call('{"code": "  "}');
    expect(!empty.ok && empty.problem).toContain('was empty');
    const unknown = call('{"code": "1"}', 'python');
    expect(!unknown.ok && unknown.problem).toContain('There is no tool named "python"');
  });

  it('describes the tool with the kernel language', () => {
    const tool = runCodeTool('Python 3.12.4');
    expect(tool.description).toContain('Run Python 3.12.4 code');
    expect(tool.parameters).toMatchObject({ required: ['code'] });
  });
});
