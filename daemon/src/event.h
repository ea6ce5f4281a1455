// A one-shot event coroutines can wait for: set once, every waiter (past or future) resumes.
// Single-threaded: use on one executor (the io thread).
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace feedd::daemon {

class Event {
 public:
  explicit Event(boost::asio::any_io_executor executor) : timer_(std::move(executor)) {
    timer_.expires_at(boost::asio::steady_timer::time_point::max());
  }

  void Set() {
    set_ = true;
    timer_.cancel();
  }
  bool IsSet() const { return set_; }

  boost::asio::awaitable<void> Wait() {
    while (!set_) {
      co_await timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
  }

 private:
  boost::asio::steady_timer timer_;
  bool set_ = false;
};

}  // namespace feedd::daemon
