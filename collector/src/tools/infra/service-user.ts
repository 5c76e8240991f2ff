// Elasticsearch must not run as root. When we are root (as here and in CI) it runs as
// the system user `flowtrail`, created on demand, owning the server's directories.
import { spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';

export const SERVICE_USER = 'flowtrail';

export interface ServiceUser {
  name: string;
  /** Set only when we have to switch user (we are root). */
  uid?: number;
  gid?: number;
}

function idOf(flag: '-u' | '-g', name: string): number | null {
  const r = spawnSync('id', [flag, name], { encoding: 'utf8' });
  return r.status === 0 ? Number.parseInt(r.stdout.trim(), 10) : null;
}

/** Returns who runs the server; as root, creates the user and hands it `ownedDirs`. */
export function ensureServiceUser(ownedDirs: readonly string[], mustExecute: string): ServiceUser {
  if (process.getuid?.() !== 0) return { name: userInfo().username };
  if (idOf('-u', SERVICE_USER) === null) {
    const r = spawnSync(
      'useradd',
      ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVICE_USER],
      {
        encoding: 'utf8',
      },
    );
    if (r.status !== 0)
      throw new Error(`useradd ${SERVICE_USER} failed: ${r.error?.message ?? r.stderr}`);
  }
  const uid = idOf('-u', SERVICE_USER);
  const gid = idOf('-g', SERVICE_USER);
  if (uid === null || gid === null)
    throw new Error(`cannot resolve uid/gid of user ${SERVICE_USER}`);
  for (const dir of ownedDirs) {
    const r = spawnSync('chown', ['-R', `${uid}:${gid}`, dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`chown ${dir} failed: ${r.stderr}`);
  }
  const probe = spawnSync('test', ['-x', mustExecute], { uid, gid });
  if (probe.status !== 0) {
    throw new Error(
      `user ${SERVICE_USER} cannot reach ${mustExecute}: every parent directory must be world-searchable ` +
        '(choose another FLOWTRAIL_INFRA_HOME, default /var/tmp/flowtrail-infra)',
    );
  }
  return { name: SERVICE_USER, uid, gid };
}
