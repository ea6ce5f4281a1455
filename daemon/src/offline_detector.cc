// A sliding window of recent fetch outcomes. Going offline needs many failures over many
// hosts (one dead host is a dead feed, not a dead network); coming back needs one answer.
#include "offline_detector.h"

#include <algorithm>
#include <set>

namespace feedd::daemon {

bool OfflineDetector::Note(Outcome outcome, const std::string& host, feeds::Timestamp now) {
  if (outcome == Outcome::kOther) return offline_;
  if (outcome == Outcome::kReached && offline_) {
    offline_ = false;
    samples_.clear();  // the failures before were the network's, not evidence any more
  }
  samples_.push_back({now, outcome == Outcome::kNetworkFailure, host});
  while (samples_.size() > options_.window) samples_.pop_front();
  Evaluate(now);
  return offline_;
}

void OfflineDetector::Evaluate(feeds::Timestamp now) {
  while (!samples_.empty() && samples_.front().at + options_.span < now) samples_.pop_front();
  if (offline_) return;  // only an answer brings the network back (see Note)
  std::size_t failures = 0;
  std::set<std::string> hosts;
  for (const auto& sample : samples_) {
    if (!sample.network_failure) continue;
    ++failures;
    hosts.insert(sample.host);
  }
  offline_ =
      failures >= options_.min_failures && hosts.size() >= options_.min_hosts &&
      static_cast<double>(failures) >= options_.min_share * static_cast<double>(samples_.size());
}

}  // namespace feedd::daemon
