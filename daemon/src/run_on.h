// Running a function on another executor (a thread pool) from a coroutine and resuming on
// the coroutine's own executor with the result: how the io thread hands CPU work (parsing)
// and SQLite work (the single writer) away without blocking.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <type_traits>
#include <utility>

namespace feedd::daemon {

// REQUIRES: fn does not throw (our module APIs return Result values instead).
// `fn` is moved to the target executor; anything it references must outlive the co_await
// (the awaiting coroutine's frame does, since it is suspended until the result is back).
// Deliberately not a coroutine itself, and taking `fn` by reference: see below.
// Call sites: pass a named lambda (std::move(work)), never a lambda written inside the
// co_await expression: g++ 12 destroys a capturing lambda temporary of a co_await
// full-expression twice (a double free).
template <typename F, typename Fn = std::decay_t<F>>
boost::asio::awaitable<std::invoke_result_t<Fn&>> RunOn(boost::asio::any_io_executor target,
                                                        F&& fn) {
  namespace asio = boost::asio;
  using R = std::invoke_result_t<Fn&>;
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(R)>(
      [target](auto handler, Fn work) {
        // The awaiting coroutine resumes on its own executor.
        auto home = asio::get_associated_executor(handler, target);
        asio::post(target, [home, work = std::move(work), handler = std::move(handler)]() mutable {
          R result = work();
          asio::post(home, [handler = std::move(handler), result = std::move(result)]() mutable {
            std::move(handler)(std::move(result));
          });
        });
      },
      asio::use_awaitable, Fn(std::forward<F>(fn)));
}

}  // namespace feedd::daemon
