// Decoding TOML nodes by key type: strings, bools, bounded integers, durations ("1h30m" or
// seconds), sizes ("32MiB" or bytes), octal modes ("0660", 0o660 or chmod-style 660).
#include "decode.h"

#include <chrono>
#include <cstdint>
#include <string_view>

namespace feedd::config::internal {
namespace {

std::string FormatSize(std::int64_t bytes) {
  constexpr std::pair<std::int64_t, std::string_view> kUnits[] = {
      {std::int64_t{1} << 30, "GiB"}, {std::int64_t{1} << 20, "MiB"}, {1024, "KiB"}};
  for (const auto& [scale, name] : kUnits) {
    if (bytes != 0 && bytes % scale == 0) return std::to_string(bytes / scale) + std::string(name);
  }
  return std::to_string(bytes) + "B";
}

std::string FormatOctal(std::int64_t mode) {
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + (mode & 7)));
    mode >>= 3;
  } while (mode != 0);
  return "0" + digits;
}

std::string Format(KeyType type, std::int64_t value) {
  switch (type) {
    case KeyType::kDuration:
      return FormatDuration(std::chrono::milliseconds(value));
    case KeyType::kSize:
      return FormatSize(value);
    case KeyType::kMode:
      return FormatOctal(value);
    default:
      return std::to_string(value);
  }
}

std::string CheckBounds(const KeySpec& spec, std::int64_t value) {
  const bool has_min = spec.min != std::numeric_limits<std::int64_t>::min();
  const bool has_max = spec.max != std::numeric_limits<std::int64_t>::max();
  if ((!has_min || value >= spec.min) && (!has_max || value <= spec.max)) return {};
  const KeyType type = spec.info.type;
  if (has_min && has_max) {
    return "must be between " + Format(type, spec.min) + " and " + Format(type, spec.max);
  }
  return has_min ? "must be at least " + Format(type, spec.min)
                 : "must be at most " + Format(type, spec.max);
}

std::string DecodeMode(const toml::node& node, std::int64_t& mode) {
  constexpr std::string_view kWrong = "must be an octal mode like \"0660\"";
  std::string digits;
  if (const auto* integer = node.as_integer()) {
    if ((integer->flags() & toml::value_flags::format_as_octal) != toml::value_flags::none) {
      mode = integer->get();  // 0o660: already the bits
      return {};
    }
    // A decimal 660 is what chmod users write: read its digits as octal.
    digits = std::to_string(integer->get());
  } else if (const auto* text = node.as_string()) {
    digits = text->get();
  } else {
    return std::string(kWrong);
  }
  if (digits.empty() || digits.size() > 4) return std::string(kWrong);
  mode = 0;
  for (char c : digits) {
    if (c < '0' || c > '7') return std::string(kWrong);
    mode = mode * 8 + (c - '0');
  }
  return {};
}

std::string DecodeNumberLike(const toml::node& node, const KeySpec& spec, Value& out) {
  if (spec.info.type == KeyType::kInteger) {
    const auto* integer = node.as_integer();
    if (integer == nullptr) return "must be an integer";
    out.number = integer->get();
    return CheckBounds(spec, out.number);
  }
  if (spec.info.type == KeyType::kDuration) {
    constexpr std::string_view kWrong =
        "must be a duration like \"90s\", \"10m\", \"1h30m\", \"1d\" or a number of seconds";
    std::int64_t millis = 0;
    if (const auto* integer = node.as_integer()) {
      if (integer->get() < 0 || integer->get() > std::numeric_limits<std::int64_t>::max() / 1000) {
        return CheckBounds(spec,
                           integer->get() < 0 ? -1 : std::numeric_limits<std::int64_t>::max());
      }
      millis = integer->get() * 1000;
    } else if (const auto* text = node.as_string()) {
      const auto parsed = ParseDurationMillis(text->get());
      if (!parsed) return std::string(kWrong) + " (got \"" + text->get() + "\")";
      millis = parsed->count();
    } else {
      return std::string(kWrong);
    }
    out.duration = std::chrono::milliseconds(millis);
    return CheckBounds(spec, millis);
  }
  if (spec.info.type == KeyType::kSize) {
    constexpr std::string_view kWrong = "must be a size like \"32MiB\" or a number of bytes";
    if (const auto* integer = node.as_integer()) {
      out.number = integer->get();
    } else if (const auto* text = node.as_string()) {
      const auto parsed = ParseByteSize(text->get());
      if (!parsed) return std::string(kWrong) + " (got \"" + text->get() + "\")";
      out.number = *parsed;
    } else {
      return std::string(kWrong);
    }
    return CheckBounds(spec, out.number);
  }
  // KeyType::kMode
  const std::string problem = DecodeMode(node, out.number);
  return problem.empty() ? CheckBounds(spec, out.number) : problem;
}

}  // namespace

std::string Decode(const toml::node& node, const KeySpec& spec, Value& out) {
  switch (spec.info.type) {
    case KeyType::kString:
    case KeyType::kPath:
      if (!node.is_string()) {
        return spec.info.type == KeyType::kPath ? "must be a string (a path)" : "must be a string";
      }
      out.text = node.as_string()->get();
      return {};
    case KeyType::kBool:
      if (!node.is_boolean()) return "must be true or false";
      out.flag = node.as_boolean()->get();
      return {};
    case KeyType::kStringList: {
      const auto* array = node.as_array();
      if (array == nullptr) return "must be an array of strings";
      for (const toml::node& element : *array) {
        if (!element.is_string()) return "must be an array of strings";
        out.list.push_back(element.as_string()->get());
      }
      return {};
    }
    case KeyType::kInteger:
    case KeyType::kDuration:
    case KeyType::kSize:
    case KeyType::kMode:
      return DecodeNumberLike(node, spec, out);
  }
  return "has an unknown type";
}

}  // namespace feedd::config::internal
