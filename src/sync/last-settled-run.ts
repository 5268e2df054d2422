/**
 * The last sync run of a connection that succeeded or failed: what tells whether its
 * marketplace is in an outage (failed with a temporary error). A fenced run says
 * nothing about the marketplace, so it does not count. SQL for a lateral join on the
 * connection's alias.
 */
export const lastSettledRun = (connection: string): string =>
  `select r.status, r.failure_kind, r.finished_at from sync_run r
    where r.connection_id = ${connection}.id and r.status in ('succeeded', 'failed')
    order by r.started_at desc limit 1`;
