/**
 * The import rules of `.dependency-cruiser.cjs` really refuse what they say: for each rule
 * a probe file that breaks it is written into its layer, cruised alone, and removed. The
 * lint (`npm run lint:boundaries`) proves the tree keeps the rules; this proves the rules
 * can fail. (Only collector probes: dashboard and SDK-protocol files feed the dashboard's
 * build stamp, which other tests compute while this one runs.)
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const config = createRequire(import.meta.url)(join(ROOT, '.dependency-cruiser.cjs')) as {
  forbidden: unknown[];
  options: Record<string, unknown>;
};

/** [rule, folder under collector/src, import line that breaks it] */
const PROBES: [string, string, string][] = [
  ['domain-is-pure', 'domain', "import { readFileSync } from 'node:fs';"],
  [
    'domain-is-pure',
    'domain',
    "import { DetectionModel } from '../app/detection/detection-model.ts';",
  ],
  [
    'ports-see-domain-only',
    'ports',
    "import { AlertService } from '../app/alerts/alert-service.ts';",
  ],
  ['app-sees-domain-and-ports', 'app', "import { createServer } from 'node:http';"],
  [
    'app-sees-domain-and-ports',
    'app',
    "import { SqliteEventStore } from '../adapters/sqlite/sqlite-event-store.ts';",
  ],
  [
    'driven-adapters-see-ports-and-domain',
    'adapters/sqlite',
    "import { AlertService } from '../../app/alerts/alert-service.ts';",
  ],
  [
    'adapters-stay-apart',
    'adapters/sqlite',
    "import { createKafka } from '../kafka/kafka-client.ts';",
  ],
  [
    'http-adapter-drives-app',
    'adapters/http',
    "import { startEmbedded } from '../../main/start-embedded.ts';",
  ],
  ['shared-depends-on-nothing', 'shared', "import { AppError } from '../app/errors.ts';"],
  ['main-does-not-use-tools', 'main', "import { infraUp } from '../tools/infra/index.ts';"],
  ['kafkajs-in-the-kafka-adapter', 'tools', "import { Kafka } from 'kafkajs';"],
  [
    'elasticsearch-client-in-its-adapter',
    'app',
    "import { Client } from '@elastic/elasticsearch';",
  ],
  ['sqlite-in-its-adapter', 'tools', "import Database from 'better-sqlite3';"],
  ['src-never-imports-tests', 'tools', "import { waitFor } from '../../test/helpers/wait-for.ts';"],
  [
    'tool-folders-through-their-index',
    'tools/cli',
    "import { probeKafka } from '../infra/kafka-server.ts';",
  ],
];

async function violations(file: string): Promise<string[]> {
  const result = await cruise([file], {
    ...config.options,
    baseDir: ROOT,
    validate: true,
    ruleSet: { forbidden: config.forbidden },
  } as Parameters<typeof cruise>[1]);
  const output = result.output as { summary: { violations: { rule: { name: string } }[] } };
  return output.summary.violations.map((v) => v.rule.name);
}

describe('import boundaries', () => {
  it.each(PROBES)('%s refuses a probe in %s', async (rule, folder, line) => {
    const rel = `collector/src/${folder}/zz-boundary-probe-${randomBytes(4).toString('hex')}.ts`;
    const file = join(ROOT, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${line}\nexport const probe = 1;\n`);
    try {
      expect(await violations(rel)).toContain(rule);
    } finally {
      rmSync(file, { force: true });
    }
  });

  it('accepts the tree as it is', async () => {
    const clean = join('collector/src/domain/instance/fold.ts');
    expect(await violations(clean)).toEqual([]);
  });
});
