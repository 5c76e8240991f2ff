// `flowtrail infra up|down|status` — see collector/src/tools/infra/index.ts.
import { infraDown, infraStatus, infraUp, serverLogTails } from '../infra/index.ts';

const USAGE = `usage: flowtrail infra <up|down|status>

  up      install (once, from Maven Central) and start Kafka + Elasticsearch on 127.0.0.1,
          wait until healthy, create the flowtrail topics. Idempotent.
          KAFKA_BROKERS / ELASTICSEARCH_URL set: use those instead of starting servers.
  down    stop the servers that \`infra up\` started
  status  show each server: running/stopped, version, pid; exit 0 only if all run
          (--quiet-if-up: print nothing when all run)

environment: FLOWTRAIL_INFRA_HOME (default /var/tmp/flowtrail-infra),
             FLOWTRAIL_JAVA_HOME (JDK override), FLOWTRAIL_INFRA_TIMEOUT_S (default 180)`;

const log = (line: string): void => console.log(line);

export async function infraCommand(args: readonly string[]): Promise<number> {
  const [sub] = args;
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
    case 'down':
      await infraDown(log);
      return 0;
    case 'status': {
      const servers = await infraStatus();
      const allUp = servers.every((s) => s.state === 'running');
      if (allUp && args.includes('--quiet-if-up')) return 0;
      for (const s of servers) {
        const cols = [
          s.name.padEnd(14),
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
