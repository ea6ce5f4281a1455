// libcurl easy requests over a unix socket. One request per call: feedctl is short-lived.
#include "control_client.h"

#include <curl/curl.h>

#include <cctype>
#include <cstdlib>
#include <memory>

namespace feedd::feedctl {
namespace {

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

size_t Collect(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

std::string ResolveSocketPath(const std::string& from_flag) {
  if (!from_flag.empty()) return from_flag;
  const char* env = std::getenv("FEEDD_SOCKET");
  if (env != nullptr && *env != '\0') return env;
  return "/run/feedd/feedd.sock";
}

std::string QueryEscape(const std::string& value) {
  std::string out;
  static const char* kHex = "0123456789ABCDEF";
  for (const unsigned char c : value) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

ApiReply ControlClient::Request(const std::string& method, const std::string& path,
                                const nlohmann::json& body, long timeout_seconds) const {
  ApiReply reply;
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) {
    reply.failure = "curl_easy_init failed";
    return reply;
  }
  std::string response;
  std::string payload;
  const std::string url = "http://localhost" + path;
  CURL* handle = easy.get();
  curl_easy_setopt(handle, CURLOPT_UNIX_SOCKET_PATH, socket_path_.c_str());
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &Collect);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT, timeout_seconds);
  curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
  if (!body.is_null()) {
    payload = body.dump();
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, payload.c_str());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
  }
  std::unique_ptr<curl_slist, ListDeleter> header_list(headers);
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
  const CURLcode code = curl_easy_perform(handle);
  if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST) {
    reply.failure = "no feedd is answering on " + socket_path_;
    return reply;
  }
  if (code != CURLE_OK) {
    reply.failure =
        std::string("talking to feedd on ") + socket_path_ + ": " + curl_easy_strerror(code);
    return reply;
  }
  reply.reached = true;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &reply.status);
  char* content_type = nullptr;
  curl_easy_getinfo(handle, CURLINFO_CONTENT_TYPE, &content_type);
  if (content_type != nullptr) reply.content_type = content_type;
  reply.body = nlohmann::json::parse(response, nullptr, /*allow_exceptions=*/false);
  if (reply.body.is_discarded()) reply.body = nullptr;
  reply.raw = std::move(response);
  return reply;
}

namespace {

struct StreamState {
  CURL* handle = nullptr;
  const std::function<bool(std::string_view)>* on_data = nullptr;
  std::string error_body;
  bool stopped = false;
};

size_t Deliver(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<StreamState*>(user);
  long status = 0;
  curl_easy_getinfo(state->handle, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 300) {
    state->error_body.append(data, size * count);
    return size * count;
  }
  if (!(*state->on_data)(std::string_view(data, size * count))) {
    state->stopped = true;
    return 0;  // aborts the transfer
  }
  return size * count;
}

}  // namespace

ApiReply ControlClient::Stream(const std::string& path,
                               const std::function<bool(std::string_view)>& on_data,
                               const std::string& accept) const {
  ApiReply reply;
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) {
    reply.failure = "curl_easy_init failed";
    return reply;
  }
  const std::string url = "http://localhost" + path;
  CURL* handle = easy.get();
  StreamState state{handle, &on_data, {}, false};
  curl_easy_setopt(handle, CURLOPT_UNIX_SOCKET_PATH, socket_path_.c_str());
  curl_easy_setopt(handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &Deliver);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT, 5L);
  // The daemon sends a comment every 15 s; a minute of silence means it is gone.
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, 60L);
  const std::string accept_header = "Accept: " + accept;
  std::unique_ptr<curl_slist, ListDeleter> headers(
      curl_slist_append(nullptr, accept_header.c_str()));
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  const CURLcode code = curl_easy_perform(handle);
  if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST) {
    reply.failure = "no feedd is answering on " + socket_path_;
    return reply;
  }
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &reply.status);
  if (code != CURLE_OK && !(code == CURLE_WRITE_ERROR && state.stopped)) {
    if (reply.status == 0) {
      reply.failure =
          std::string("talking to feedd on ") + socket_path_ + ": " + curl_easy_strerror(code);
      return reply;
    }
    reply.reached = true;
    reply.failure = curl_easy_strerror(code);
    return reply;
  }
  reply.reached = true;
  reply.raw = std::move(state.error_body);
  reply.body = nlohmann::json::parse(reply.raw, nullptr, /*allow_exceptions=*/false);
  if (reply.body.is_discarded()) reply.body = nullptr;
  return reply;
}

}  // namespace feedd::feedctl
