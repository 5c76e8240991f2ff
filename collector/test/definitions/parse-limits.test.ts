/**
 * The limits of parse-definition.ts, which a put body from the network meets: a version
 * must be a positive safe integer (1e308 would shadow every later version), the text is
 * at most MAX_DEFINITION_TEXT_BYTES, and YAML aliases expand at most MAX_YAML_ALIASES
 * times, so a real alias bomb ("billion laughs") is a clear problem found at once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/domain/definitions/definition-error.ts';
import {
  MAX_DEFINITION_TEXT_BYTES,
  MAX_YAML_ALIASES,
  parseDefinition,
  parseDefinitionYaml,
} from '../../src/domain/definitions/parse-definition.ts';

const minimal = (version: string, extra = ''): string =>
  `process: p\nversion: ${version}\nsteps:\n  - name: a\n${extra}`;

const messages = (text: string): string[] => {
  const result = parseDefinitionYaml(text, 'body');
  return result.ok ? [] : result.problems.map(formatProblem);
};

/** `levels` anchors, each a list of `width` aliases of the one before: width^levels leaves. */
function aliasBomb(levels: number, width: number): string {
  const lines = [`l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`];
  for (let i = 1; i < levels; i += 1) {
    lines.push(
      `l${i}: &l${i} [${Array(width)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  }
  return `${minimal('1')}${lines.join('\n')}\ndescription: *l${levels - 1}\n`;
}

describe('version limits', () => {
  it('refuses a version beyond the safe integers, in YAML and in JSON', () => {
    for (const version of ['1e308', '9007199254740992', '1e16']) {
      expect(messages(minimal(version))).toEqual([
        expect.stringMatching(/^body:2:10 \/version: version must be a positive safe integer/),
      ]);
    }
    const json = parseDefinition({ process: 'p', version: 1e308, steps: [{ name: 'a' }] }, 'body');
    expect(json.ok).toBe(false);
    expect(json.ok ? [] : json.problems.map((p) => p.path)).toEqual(['/version']);
  });

  it('accepts the largest safe integer', () => {
    const result = parseDefinitionYaml(minimal(String(Number.MAX_SAFE_INTEGER)), 'body');
    expect(result.ok && result.definition.version).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('YAML limits', () => {
  it('refuses a billion-laughs alias bomb quickly, with a clear problem', () => {
    const started = Date.now();
    // 10^9 leaves once expanded; the text itself is under 1 KiB.
    expect(messages(aliasBomb(9, 10))).toEqual([
      `body /: too many YAML aliases (more than ${MAX_YAML_ALIASES} expansions): refused as a possible alias bomb`,
    ]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('never throws on alias bombs of any shape', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 12 }), (l, w) => {
        const result = parseDefinitionYaml(aliasBomb(l, w), 'body');
        // Small ones expand to a list where a string belongs; large ones are refused.
        expect(result.ok).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('still allows a few aliases', () => {
    const text = `process: p\nversion: 1\nowner: &team team-a\nsteps:\n  - name: a\n    owner: *team\n  - name: b\n    owner: *team\n`;
    const result = parseDefinitionYaml(text, 'body');
    expect(result.ok && result.definition.steps.map((s) => s.owner)).toEqual(['team-a', 'team-a']);
  });

  it('refuses a text over the size limit before parsing it, counting UTF-8 bytes', () => {
    const pad = (chars: number, char: string): string =>
      minimal('1', `description: "${char.repeat(chars)}"\n`);
    const under = pad(MAX_DEFINITION_TEXT_BYTES - 100, 'x');
    expect(parseDefinitionYaml(under, 'body').ok).toBe(true);
    // Fewer characters than the limit, but two bytes each.
    const over = pad(MAX_DEFINITION_TEXT_BYTES / 2 + 10, 'ü');
    expect(messages(over)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^body /: definition is \\d+ bytes, more than the limit of ${MAX_DEFINITION_TEXT_BYTES}$`,
        ),
      ),
    ]);
  });

  it('reports a document nested too deeply instead of overflowing the stack', () => {
    const depth = 100_000;
    const text = `${minimal('1')}description: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
    expect(text.length).toBeLessThan(MAX_DEFINITION_TEXT_BYTES);
    const problems = messages(text);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).not.toMatch(/call stack/);
  });
});
