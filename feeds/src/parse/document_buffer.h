// The writable copy of a document that pugixml parses in place (it writes terminators and
// decoded text into it, so the tree's strings point into this memory). Knows nothing of XML.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace feedd::feeds::parse {

// Releases a DocumentBuffer's mapping.
struct Unmapper {
  std::size_t length = 0;
  void operator()(char* address) const;
};

class DocumentBuffer {
 public:
  DocumentBuffer() = default;
  // A copy of `text`. A document of 1 MiB or more goes to anonymous memory advised for
  // transparent huge pages and faulted in with one call: on a VM a first-touch 4 KiB page
  // fault costs more than copying the page (50 MB into fresh malloc'd pages: 0.21 s of CPU;
  // into pre-faulted huge pages: 0.01 s). Smaller ones use the heap, whose pages malloc reuses.
  static DocumentBuffer CopyOf(std::string_view text);

  char* Data() { return mapped_ ? mapped_.get() : heap_.data(); }
  std::size_t Size() const { return mapped_ ? mapped_size_ : heap_.size(); }

 private:
  std::string heap_;
  std::unique_ptr<char, Unmapper> mapped_;
  std::size_t mapped_size_ = 0;
};

}  // namespace feedd::feeds::parse
