// Store's work-sharing defaults: a backend without sharing (SQLite) answers every lease call
// with an error saying so, never with a pretend lease. The daemon checks SupportsSharing()
// and keeps its in-memory scheduler on such a store.
#include "feedd/storage/store.h"

namespace feedd::storage {
namespace {
Unexpected NoSharing(const char* what) {
  return Fail(std::string(what) +
              ": this store does not support several feedd instances (use PostgreSQL)");
}
}  // namespace

Result<std::vector<FeedRecord>> Store::ClaimDueFeeds(const ClaimRequest&) {
  return NoSharing("claim due feeds");
}
Result<std::vector<FeedRecord>> Store::ClaimFeeds(const ClaimRequest&, const std::vector<FeedId>&) {
  return NoSharing("claim feeds");
}
Result<int> Store::MakeDue(const std::vector<FeedId>&, Timestamp) {
  return NoSharing("make feeds due");
}
Result<int> Store::RenewLeases(const std::string&, const std::vector<FeedId>&, Timestamp) {
  return NoSharing("renew leases");
}
Result<int> Store::ReleaseLeases(const std::string&, const std::vector<FeedId>&) {
  return NoSharing("release leases");
}
Result<std::optional<Timestamp>> Store::NextDueTime() { return NoSharing("next due time"); }
Result<void> Store::Heartbeat(const InstanceInfo&) { return NoSharing("heartbeat"); }
Result<void> Store::RemoveInstance(const std::string&) { return NoSharing("remove instance"); }
Result<std::vector<InstanceInfo>> Store::ListInstances(Timestamp, Timestamp) {
  return NoSharing("list instances");
}

}  // namespace feedd::storage
