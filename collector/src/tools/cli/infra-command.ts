// `flowtrail infra up|down|status` — see collector/src/tools/infra/index.ts.
import {
  currentTarget,
  infraDown,
  infraStatus,
  infraStop,
  infraUp,
  serverLogTails,
  type ServerName,
} from '../infra/index.ts';

const USAGE = `usage: flowtrail infra <up|down|status>

  up      install (once, from Maven Central) and start Kafka + Elasticsearch on 127.0.0.1,
          wait until healthy, create the flowtrail topics. Idempotent.
          KAFKA_BROKERS / ELASTICSEARCH_URL set: use those instead of starting servers.
  down    stop the servers that \`infra up\` started (\`down kafka\` or
          \`down elasticsearch\`: only that one; \`up\` starts it again on its data)
  status  show each server: running/stopped, version, pid; exit 0 only if all run
          (--quiet-if-up: print nothing when all run)

environment: FLOWTRAIL_INFRA_HOME (default /var/tmp/flowtrail-infra),
             FLOWTRAIL_JAVA_HOME (JDK override), FLOWTRAIL_INFRA_TIMEOUT_S (default 180),
             FLOWTRAIL_INFRA_INSTANCE=<name>: a second, independent pair beside the default
               one (own data, logs, pid files and configuration under
               <home>/instances/<name>, the installs shared; KAFKA_BROKERS and
               ELASTICSEARCH_URL do not apply to it), on the default ports plus
               FLOWTRAIL_INFRA_PORT_OFFSET (default 10000: Kafka 19092, controller
               19093, Elasticsearch 19200, transport 19300)`;

const log = (line: string): void => console.log(line);

export async function infraCommand(args: readonly string[]): Promise<number> {
  const [sub] = args;
  try {
    currentTarget(); // a bad FLOWTRAIL_INFRA_INSTANCE / _PORT_OFFSET is a usage error
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  switch (sub) {
    case 'up':
      try {
        await infraUp(log);
        return 0;
      } catch (err) {
        console.error(`infra up failed: ${(err as Error).message}\n`);
        console.error(serverLogTails());
        return 1;
      }
    case 'down': {
      const names = args.slice(1);
      const unknown = names.filter((n) => n !== 'kafka' && n !== 'elasticsearch');
      if (unknown.length > 0) {
        console.error(`unknown server(s): ${unknown.join(', ')}\n\n${USAGE}`);
        return 2;
      }
      if (names.length === 0) await infraDown(log);
      else await infraStop(names as ServerName[], log);
      return 0;
    }
    case 'status': {
      const servers = await infraStatus();
      const allUp = servers.every((s) => s.state === 'running');
      if (allUp && args.includes('--quiet-if-up')) return 0;
      const width = Math.max(14, ...servers.map((s) => s.name.length + 1));
      for (const s of servers) {
        const cols = [
          s.name.padEnd(width),
          s.state.padEnd(10),
          `version ${s.version ?? '-'}`.padEnd(44),
          `pid ${s.pid ?? '-'}`.padEnd(11),
          s.address,
        ];
        console.log(`${cols.join(' ')}${s.detail ? `  (${s.detail})` : ''}`);
      }
      return allUp ? 0 : 3;
    }
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      console.log(USAGE);
      return sub === undefined ? 2 : 0;
    default:
      console.error(`unknown infra command: ${sub}\n\n${USAGE}`);
      return 2;
  }
}
