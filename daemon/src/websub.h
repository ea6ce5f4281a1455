// WebSub publishing (W3C WebSub 4.1 / PubSubHubbub 0.4): tells a hub that topics changed by
// POSTing hub.mode=publish&hub.url=TOPIC. Runs libcurl easy on its own worker thread, so a slow
// or dead hub never holds up the io thread; failures are logged, never fatal.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace feedd::daemon {

// "hub.mode=publish&hub.url=A&hub.url=B", values form-encoded (RFC 1866 / WHATWG urlencoded).
std::string WebSubPublishBody(const std::vector<std::string>& topics);

class WebSubPublisher {
 public:
  // `timeout` bounds each POST (connect included). The thread starts on the first Publish.
  explicit WebSubPublisher(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Stops the thread: an in-flight POST is aborted within about a second; queued ones dropped.
  ~WebSubPublisher();
  WebSubPublisher(const WebSubPublisher&) = delete;
  WebSubPublisher& operator=(const WebSubPublisher&) = delete;

  // Queues one publish ping of `topics` to `hub` (an http(s) URL). Thread-safe; never blocks
  // on the network. An identical ping already queued is not queued twice.
  void Publish(std::string hub, std::vector<std::string> topics);

 private:
  struct Ping {
    std::string hub;
    std::vector<std::string> topics;
    bool operator==(const Ping&) const = default;
  };

  void Run();
  void Send(const Ping& ping);
  bool Stopping();

  const std::chrono::milliseconds timeout_;
  std::mutex mutex_;  // guards queue_ and stopping_
  std::condition_variable wake_;
  std::deque<Ping> queue_;
  bool stopping_ = false;
  std::thread worker_;  // last: joined in the destructor before the members above go
};

}  // namespace feedd::daemon
