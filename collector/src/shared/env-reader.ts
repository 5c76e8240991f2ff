/**
 * Reads typed settings from an environment, collecting every problem instead of stopping
 * at the first: each role's configuration (`config.ts`, `query/query-config.ts`,
 * `embedded/embedded-config.ts`) reads with one `EnvReader` and throws one `ConfigError`
 * listing all of `problems`.
 */
export type Env = Record<string, string | undefined>;

/** Reads typed settings from an environment, collecting every problem in `problems`. */
export class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  string(name: string, fallback: string, check?: (v: string) => string | undefined): string {
    const value = this.raw(name) ?? fallback;
    const problem = check?.(value);
    if (problem !== undefined) this.problems.push(`${name}=${JSON.stringify(value)}: ${problem}`);
    return value;
  }

  int(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || n < min || n > max) {
      this.problems.push(
        `${name}=${JSON.stringify(value)}: expected an integer from ${min} to ${max}`,
      );
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes'].includes(value)) return true;
    if (['0', 'false', 'no'].includes(value)) return false;
    this.problems.push(`${name}=${JSON.stringify(value)}: expected true or false`);
    return fallback;
  }

  list(name: string, fallback: string, check: (item: string) => string | undefined): string[] {
    const items = (this.raw(name) ?? fallback)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (items.length === 0) this.problems.push(`${name}: must list at least one value`);
    for (const item of items) {
      const problem = check(item);
      if (problem !== undefined) this.problems.push(`${name}: ${JSON.stringify(item)} ${problem}`);
    }
    return items;
  }
}
