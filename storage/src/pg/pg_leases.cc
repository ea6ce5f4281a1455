// Work sharing on PostgreSQL: leases on due feeds (claimed with FOR UPDATE SKIP LOCKED so
// instances never wait on each other or get the same feed), a per-host lease budget that
// holds across instances, and the instances' heartbeat table. See docs/scale.md.
#include <algorithm>

#include "pg_store_impl.h"

namespace feedd::storage {
namespace {

// A feed is due for `$now` (the statement's first time parameter is spliced in as `now`):
// not gone, its next fetch reached (never fetched: at once), no unexpired lease.
std::string DueCondition(const std::string& now) {
  return "f.status <> 'gone' AND COALESCE(f.next_fetch, 0) <= " + now +
         "::bigint AND (f.leased_by IS NULL OR f.lease_until < " + now + "::bigint)";
}

Result<void> CheckRequest(const ClaimRequest& request) {
  if (request.holder.empty()) return Fail("claim feeds: empty holder");
  if (request.lease.count() <= 0) return Fail("claim feeds: the lease must be positive");
  return Ok();
}

}  // namespace

Result<std::vector<FeedRecord>> PgStore::ClaimedFeeds(const PgRows& claimed) {
  std::vector<std::int64_t> ids;
  for (int r = 0; r < claimed.size(); ++r) ids.push_back(claimed.Int(r, 0));
  if (ids.empty()) return std::vector<FeedRecord>();
  PgParams params;
  const std::string array = params.AddArray(ids);
  return QueryFeeds(
      "WHERE f.id = ANY(" + array + "::bigint[]) ORDER BY COALESCE(f.next_fetch, 0), f.id", params);
}

Result<std::vector<FeedRecord>> PgStore::ClaimDueFeeds(const ClaimRequest& request) {
  const std::string what = "claim due feeds for " + request.holder;
  if (auto valid = CheckRequest(request); !valid) return Unexpected(valid.error());
  if (request.max <= 0) return std::vector<FeedRecord>();
  const Timestamp until = request.now + request.lease;

  if (request.per_host <= 0) {
    // No per-host budget: the plain claim. Rows another instance is claiming are skipped.
    PgParams params;
    const std::string now = params.Add(request.now);
    const std::string holder = params.Add(request.holder);
    const std::string lease_until = params.Add(until);
    const std::string limit = params.Add(request.max);
    auto claimed = conn_.Query(
        "UPDATE feeds SET leased_by = " + holder + "::text, lease_until = " + lease_until +
            "::bigint WHERE id IN (SELECT f.id FROM feeds f WHERE " + DueCondition(now) +
            " ORDER BY COALESCE(f.next_fetch, 0), f.id LIMIT " + limit +
            "::integer FOR UPDATE SKIP LOCKED) RETURNING id",
        params);
    if (!claimed) return PgFailAs(what, claimed.error());
    auto feeds = ClaimedFeeds(*claimed);
    if (!feeds) return PgFailAs(what, feeds.error());
    return feeds;
  }

  // With a per-host budget: every due feed's host has a feed_hosts row (made outside the
  // claiming transaction, so making it never holds a lock for long).
  {
    PgParams params;
    const std::string now = params.Add(request.now);
    auto made = conn_.Query(
        "INSERT INTO feed_hosts (host_key) SELECT DISTINCT f.host_key FROM feeds f WHERE " +
            DueCondition(now) +
            " AND NOT EXISTS (SELECT 1 FROM feed_hosts h WHERE h.host_key = f.host_key) "
            "ON CONFLICT DO NOTHING",
        params);
    if (!made) return PgFailAs(what, made.error());
  }
  auto transaction = PgTransaction::Begin(conn_);
  if (!transaction) return PgFailAs(what, transaction.error());
  // 1. Lock the hosts that have due feeds, skipping hosts another instance is claiming from
  //    right now. Holding a host's row is what makes the lease count read next exact: any
  //    claim on that host committed before the lock was granted, and the next statement
  //    (a new snapshot under READ COMMITTED) sees it.
  std::vector<std::string> hosts;
  {
    PgParams params;
    const std::string now = params.Add(request.now);
    auto locked = conn_.Query(
        "SELECT h.host_key FROM feed_hosts h WHERE h.host_key IN (SELECT f.host_key FROM feeds "
        "f WHERE " +
            DueCondition(now) + ") ORDER BY h.host_key FOR UPDATE SKIP LOCKED",
        params);
    if (!locked) return PgFailAs(what, locked.error());
    for (int r = 0; r < locked->size(); ++r) hosts.push_back(locked->Text(r, 0));
  }
  if (hosts.empty()) return std::vector<FeedRecord>();
  // 2. Per locked host, claim its earliest due feeds while the host's unexpired leases (every
  //    holder's) stay under the budget; earliest due first overall, at most `max`.
  PgParams params;
  const std::string now = params.Add(request.now);
  const std::string holder = params.Add(request.holder);
  const std::string lease_until = params.Add(until);
  const std::string limit = params.Add(request.max);
  const std::string per_host = params.Add(request.per_host);
  const std::string per_host_own = params.Add(request.per_host_own);
  const std::string host_keys = params.AddArray(hosts);
  auto claimed = conn_.Query(
      "WITH busy AS (SELECT f.host_key, COUNT(*) AS n, COUNT(*) FILTER (WHERE f.leased_by = " +
          holder +
          "::text) AS mine FROM feeds f WHERE f.leased_by IS NOT NULL "
          "AND f.lease_until >= " +
          now + "::bigint AND f.host_key = ANY(" + host_keys +
          "::text[]) GROUP BY f.host_key), "
          "ranked AS (SELECT f.id, COALESCE(f.next_fetch, 0) AS due, "
          "ROW_NUMBER() OVER (PARTITION BY f.host_key ORDER BY COALESCE(f.next_fetch, 0), f.id) "
          "AS rn, COALESCE(b.n, 0) AS n, COALESCE(b.mine, 0) AS mine FROM feeds f LEFT JOIN busy b "
          "ON b.host_key = f.host_key "
          "WHERE f.host_key = ANY(" +
          host_keys + "::text[]) AND " + DueCondition(now) +
          "), "
          "picked AS (SELECT id FROM ranked WHERE rn + n <= " +
          per_host + "::integer AND (" + per_host_own + "::integer <= 0 OR rn + mine <= " +
          per_host_own + "::integer) ORDER BY due, id LIMIT " + limit +
          "::integer) "
          "UPDATE feeds f SET leased_by = " +
          holder + "::text, lease_until = " + lease_until +
          "::bigint FROM picked WHERE f.id = picked.id AND " + DueCondition(now) +
          " RETURNING f.id",
      params);
  if (!claimed) return PgFailAs(what, claimed.error());
  auto feeds = ClaimedFeeds(*claimed);
  if (!feeds) return PgFailAs(what, feeds.error());
  if (auto committed = transaction->Commit(); !committed) return PgFailAs(what, committed.error());
  return feeds;
}

Result<std::vector<FeedRecord>> PgStore::ClaimFeeds(const ClaimRequest& request,
                                                    const std::vector<FeedId>& ids) {
  const std::string what = "claim feeds for " + request.holder;
  if (auto valid = CheckRequest(request); !valid) return Unexpected(valid.error());
  if (ids.empty()) return std::vector<FeedRecord>();
  PgParams params;
  const std::string now = params.Add(request.now);
  const std::string holder = params.Add(request.holder);
  const std::string lease_until = params.Add(request.now + request.lease);
  const std::string array = params.AddArray(ids);
  // Re-claiming one's own lease extends it; another holder's unexpired lease wins.
  auto claimed = conn_.Query(
      "UPDATE feeds SET leased_by = " + holder + "::text, lease_until = " + lease_until +
          "::bigint WHERE id IN (SELECT f.id FROM feeds f WHERE f.id = ANY(" + array +
          "::bigint[]) AND (f.leased_by IS NULL OR f.leased_by = " + holder +
          "::text OR f.lease_until < " + now + "::bigint) FOR UPDATE SKIP LOCKED) RETURNING id",
      params);
  if (!claimed) return PgFailAs(what, claimed.error());
  auto feeds = ClaimedFeeds(*claimed);
  if (!feeds) return PgFailAs(what, feeds.error());
  return feeds;
}

Result<int> PgStore::MakeDue(const std::vector<FeedId>& ids, Timestamp at) {
  if (ids.empty()) return 0;
  PgParams params;
  const std::string when = params.Add(at);
  const std::string array = params.AddArray(ids);
  auto updated =
      conn_.Query("UPDATE feeds SET next_fetch = " + when + "::bigint WHERE id = ANY(" + array +
                      "::bigint[]) AND status <> 'gone' AND "
                      "(next_fetch IS NULL OR next_fetch > " +
                      when +
                      "::bigint) AND "
                      "(last_fetch IS NULL OR last_fetch < " +
                      when + "::bigint)",
                  params);
  if (!updated) return PgFailAs("make feeds due", updated.error());
  return static_cast<int>(updated->Affected());
}

Result<int> PgStore::RenewLeases(const std::string& holder, const std::vector<FeedId>& ids,
                                 Timestamp until) {
  if (ids.empty()) return 0;
  PgParams params;
  const std::string by = params.Add(holder);
  const std::string lease_until = params.Add(until);
  const std::string array = params.AddArray(ids);
  auto renewed = conn_.Query("UPDATE feeds SET lease_until = " + lease_until +
                                 "::bigint WHERE leased_by = " + by + "::text AND id = ANY(" +
                                 array + "::bigint[])",
                             params);
  if (!renewed) return PgFailAs("renew leases of " + holder, renewed.error());
  return static_cast<int>(renewed->Affected());
}

Result<int> PgStore::ReleaseLeases(const std::string& holder, const std::vector<FeedId>& ids) {
  PgParams params;
  const std::string by = params.Add(holder);
  std::string sql =
      "UPDATE feeds SET leased_by = NULL, lease_until = NULL WHERE leased_by = " + by + "::text";
  if (!ids.empty()) sql += " AND id = ANY(" + params.AddArray(ids) + "::bigint[])";
  auto released = conn_.Query(sql, params);
  if (!released) return PgFailAs("release leases of " + holder, released.error());
  return static_cast<int>(released->Affected());
}

Result<std::optional<Timestamp>> PgStore::NextDueTime() {
  // A leased feed comes due again when its lease expires (its holder may have died).
  auto rows = conn_.Query(
      "SELECT MIN(GREATEST(COALESCE(next_fetch, 0), "
      "CASE WHEN leased_by IS NULL THEN 0 ELSE lease_until + 1 END)) "
      "FROM feeds WHERE status <> 'gone'");
  if (!rows) return PgFailAs("next due time", rows.error());
  return rows->OptionalTime(0, 0);
}

Result<void> PgStore::Heartbeat(const InstanceInfo& info) {
  const std::string what = "heartbeat of " + info.holder;
  if (info.holder.empty()) return Fail("heartbeat: empty holder");
  auto written = conn_.Query(
      "INSERT INTO feedd_instances (holder, host, pid, started, last_seen) "
      "VALUES ($1::text, $2::text, $3::bigint, $4::bigint, $5::bigint) "
      "ON CONFLICT (holder) DO UPDATE SET host = EXCLUDED.host, pid = EXCLUDED.pid, "
      "started = EXCLUDED.started, last_seen = EXCLUDED.last_seen",
      Params(info.holder, info.host, info.pid, info.started, info.last_seen));
  if (!written) return PgFailAs(what, written.error());
  // Rows of instances silent for a day are forgotten (they crashed; their leases expired).
  auto pruned = conn_.Query("DELETE FROM feedd_instances WHERE last_seen < $1::bigint",
                            Params(info.last_seen - std::chrono::hours(24)));
  if (!pruned) return PgFailAs(what, pruned.error());
  return Ok();
}

Result<void> PgStore::RemoveInstance(const std::string& holder) {
  auto removed = conn_.Query("DELETE FROM feedd_instances WHERE holder = $1", Params(holder));
  if (!removed) return PgFailAs("remove instance " + holder, removed.error());
  return Ok();
}

Result<std::vector<InstanceInfo>> PgStore::ListInstances(Timestamp now, Timestamp seen_since) {
  auto rows = conn_.Query(
      "SELECT i.holder, i.host, i.pid, i.started, i.last_seen, "
      "(SELECT COUNT(*) FROM feeds f WHERE f.leased_by = i.holder AND f.lease_until >= $1::bigint) "
      "FROM feedd_instances i WHERE i.last_seen >= $2::bigint ORDER BY i.started, i.holder",
      Params(now, seen_since));
  if (!rows) return PgFailAs("list instances", rows.error());
  std::vector<InstanceInfo> instances;
  for (int r = 0; r < rows->size(); ++r) {
    InstanceInfo info;
    info.holder = rows->Text(r, 0);
    info.host = rows->Text(r, 1);
    info.pid = rows->Int(r, 2);
    info.started = rows->Time(r, 3);
    info.last_seen = rows->Time(r, 4);
    info.leases = rows->Int(r, 5);
    instances.push_back(std::move(info));
  }
  return instances;
}

}  // namespace feedd::storage
