// Result<T>: a value or an Error, shaped like C++23 std::expected (g++ 12 has no <expected>).
// Expected failures cross module boundaries as values, never as exceptions.
#pragma once

#include <cstdlib>
#include <iostream>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace feedd {

// What went wrong, phrased "object: cause" (e.g. "open /var/lib/feedd/feedd.db: database is
// locked") so it can be shown to a user as is.
struct Error {
  std::string message;
};

// Wraps an error for returning from a function whose type is Result<T>.
class Unexpected {
 public:
  explicit Unexpected(Error error) : error_(std::move(error)) {}
  explicit Unexpected(std::string message) : error_{std::move(message)} {}
  Error&& take() && { return std::move(error_); }

 private:
  Error error_;
};

inline Unexpected Fail(std::string message) { return Unexpected(std::move(message)); }

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  template <typename U = T,
            typename = std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                        !std::is_same_v<std::decay_t<U>, Result> &&
                                        !std::is_same_v<std::decay_t<U>, Unexpected>>>
  Result(U&& value) : state_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT
  Result(Unexpected failure)
      : state_(std::in_place_index<1>, std::move(failure).take()) {}  // NOLINT

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  // REQUIRES: has_value(). Checked: calling it on an error is a programming bug, so it aborts.
  T& value() & { return CheckedValue(); }
  const T& value() const& { return const_cast<Result*>(this)->CheckedValue(); }
  T&& value() && { return std::move(CheckedValue()); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !has_value().
  const Error& error() const {
    if (has_value()) Abort("Result::error() called on a value");
    return std::get<1>(state_);
  }

  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(state_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  T& CheckedValue() {
    if (!has_value()) Abort("Result::value() called on an error: " + std::get<1>(state_).message);
    return std::get<0>(state_);
  }
  [[noreturn]] static void Abort(const std::string& why) {
    std::cerr << "feedd: invariant broken: " << why << '\n';
    std::abort();
  }

  std::variant<T, Error> state_;
};

// Result<void>: success carries nothing.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Unexpected failure) : error_(std::move(failure).take()), failed_(true) {}  // NOLINT

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return has_value(); }
  void value() const {
    if (failed_) {
      std::cerr << "feedd: invariant broken: Result<void>::value() on an error: " << error_.message
                << '\n';
      std::abort();
    }
  }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool failed_ = false;
};

inline Result<void> Ok() { return {}; }

}  // namespace feedd
