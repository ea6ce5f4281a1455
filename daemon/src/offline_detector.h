// Telling a dead feed from a dead network: when most recent fetches, to several different
// hosts, failed before any server answered (DNS or connect), the machine is probably offline.
// Those failures are then not counted against the feeds, and the scheduler pauses (one probe
// fetch at a time) until something answers again. Pure: outcomes and time are passed in.
#pragma once

#include <chrono>
#include <deque>
#include <string>

#include "feedd/feeds/model.h"

namespace feedd::daemon {

class OfflineDetector {
 public:
  enum class Outcome {
    kReached,         // some server answered (any HTTP status, or a TLS handshake)
    kNetworkFailure,  // DNS or connect failed
    kOther,           // refused by policy, deferred, ...: says nothing about the network
  };

  struct Options {
    std::size_t window = 20;         // most recent outcomes considered
    std::chrono::seconds span{120};  // ... and only those this recent
    std::size_t min_failures = 8;    // network failures needed in the window
    std::size_t min_hosts = 4;       // distinct hosts among them
    double min_share = 0.8;          // share of the window that failed
  };

  OfflineDetector() = default;
  explicit OfflineDetector(Options options) : options_(options) {}

  // Records one outcome; returns whether the network is considered down afterwards.
  bool Note(Outcome outcome, const std::string& host, feeds::Timestamp now);
  bool Offline() const { return offline_; }

 private:
  struct Sample {
    feeds::Timestamp at;
    bool network_failure;
    std::string host;
  };
  void Evaluate(feeds::Timestamp now);

  Options options_;
  std::deque<Sample> samples_;
  bool offline_ = false;
};

}  // namespace feedd::daemon
