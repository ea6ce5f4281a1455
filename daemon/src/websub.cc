// The WebSub worker thread: one queue, one blocking curl easy POST at a time. Thread-safety:
// only queue_ and stopping_ are shared (mutex_); the curl handle lives on the worker's stack.
#include "websub.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "curl_handles.h"
#include "redact.h"

namespace feedd::daemon {
namespace {

void AppendFormEncoded(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
        (byte >= '0' && byte <= '9') || c == '-' || c == '.' || c == '_' || c == '*') {
      out += c;
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    }
  }
}

size_t DiscardBody(char*, size_t size, size_t count, void*) { return size * count; }

// Aborts the transfer (non-zero return) once the publisher is stopping.
int AbortWhenStopping(void* publisher_stopping, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return (*static_cast<std::function<bool()>*>(publisher_stopping))() ? 1 : 0;
}

}  // namespace

std::string WebSubPublishBody(const std::vector<std::string>& topics) {
  std::string body = "hub.mode=publish";
  for (const auto& topic : topics) {
    body += "&hub.url=";
    AppendFormEncoded(body, topic);
  }
  return body;
}

WebSubPublisher::WebSubPublisher(std::chrono::milliseconds timeout) : timeout_(timeout) {}

WebSubPublisher::~WebSubPublisher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void WebSubPublisher::Publish(std::string hub, std::vector<std::string> topics) {
  if (hub.empty() || topics.empty()) return;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    Ping ping{std::move(hub), std::move(topics)};
    if (std::find(queue_.begin(), queue_.end(), ping) == queue_.end()) {
      queue_.push_back(std::move(ping));
    }
    if (!worker_.joinable()) worker_ = std::thread([this] { Run(); });
  }
  wake_.notify_one();
}

bool WebSubPublisher::Stopping() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void WebSubPublisher::Run() {
  for (;;) {
    Ping ping;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      ping = std::move(queue_.front());
      queue_.pop_front();
    }
    Send(ping);
  }
}

void WebSubPublisher::Send(const Ping& ping) {
  CurlEasy easy(curl_easy_init());
  if (!easy) {
    spdlog::warn("websub: cannot create a curl handle; ping to {} dropped", RedactUrl(ping.hub));
    return;
  }
  const std::string body = WebSubPublishBody(ping.topics);
  CurlSlist headers(curl_slist_append(nullptr, "Content-Type: application/x-www-form-urlencoded"));
  std::function<bool()> stopping = [this] { return Stopping(); };
  CURL* handle = easy.get();
  // No AddressGuard here, unlike feed fetches: the hub is the operator's own `websub_hub`
  // setting, never an address taken from a feed, and redirects are not followed (curl's
  // default), so no remote party can steer this request to a private address.
  curl_easy_setopt(handle, CURLOPT_URL, ping.hub.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(handle, CURLOPT_USERAGENT, "feedd (WebSub publisher)");
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout_.count()));
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, DiscardBody);
  curl_easy_setopt(handle, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, AbortWhenStopping);
  curl_easy_setopt(handle, CURLOPT_XFERINFODATA, &stopping);
  const CURLcode code = curl_easy_perform(handle);
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  const std::string hub = RedactUrl(ping.hub);
  if (code != CURLE_OK) {
    spdlog::warn("websub: publish to {} failed: {}", hub, curl_easy_strerror(code));
  } else if (status < 200 || status >= 300) {
    spdlog::warn("websub: hub {} answered HTTP {} to a publish ping", hub, status);
  } else {
    spdlog::info("websub: published {} topic(s) to {} (HTTP {})", ping.topics.size(), hub, status);
  }
}

}  // namespace feedd::daemon
