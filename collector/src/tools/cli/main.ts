// `flowtrail <command> [args]` — the CLI dispatcher (entry: collector/bin/flowtrail.js).
import { demoCommand } from './demo-command.ts';
import { dlqCommand } from './dlq-command.ts';
import { exportCommand } from './export-command.ts';
import { importCommand } from './import-command.ts';
import { infraCommand } from './infra-command.ts';
import { upCommand } from './up-command.ts';

type Command = { summary: string; run: (args: readonly string[]) => Promise<number> };

const commands: Record<string, Command> = {
  up: {
    summary: 'run Flowtrail embedded (SQLite + HTTP API + web UI, no Kafka/ES; --demo, --help)',
    run: upCommand,
  },
  infra: {
    summary: 'install/start/stop local Kafka + Elasticsearch (up|down|status)',
    run: infraCommand,
  },

  collector: {
    summary: 'run the collector (Kafka → validate → Elasticsearch)',
    run: async () => {
      const { runCollector } = await import('../../main/collector-main.ts');
      await runCollector();
      return 0;
    },
  },
  query: {
    summary: 'run a query node (HTTP API reads over Elasticsearch; no Kafka, no detection; --help)',
    run: async (args) => {
      const { queryCommand } = await import('./query-command.ts');
      return queryCommand(args);
    },
  },
  import: {
    summary: 'import an XES or CSV event log through the collector API (--help)',
    run: importCommand,
  },
  export: {
    summary: 'export stored events as an XES or OCEL 2.0 log from the collector API (--help)',
    run: exportCommand,
  },
  dlq: {
    summary:
      'list, replay or delete the dead letters of embedded mode (list|replay|delete, --help)',
    run: dlqCommand,
  },
  demo: {
    summary: 'send demo traffic of shop/payments/logistics with injected faults (--help)',
    run: demoCommand,
  },
  analytics: {
    summary: "rebuild the embedded store's pre-aggregated analytics (rebuild, --help)",
    run: async (args) => {
      const { analyticsCommand } = await import('./analytics-command.ts');
      return analyticsCommand(args);
    },
  },
  repair: {
    summary:
      're-fold every instance state from its stored events, write the stale ones (--dry-run, --help)',
    run: async (args) => {
      const { repairCommand } = await import('./repair-command.ts');
      return repairCommand(args);
    },
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(11)} ${c.summary}`);
  return `usage: flowtrail <command> [args]\n\ncommands:\n${lines.join('\n')}`;
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === '-h' || name === '--help' || name === 'help') {
    console.log(usage());
    return 0;
  }
  const command = name !== undefined ? commands[name] : undefined;
  if (!command) {
    console.error(
      `${name === undefined ? 'missing command' : `unknown command: ${name}`}\n\n${usage()}`,
    );
    return 2;
  }
  return command.run(args);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
}
