// Where a document's parse copy lives. The mapping is an optimisation only: every madvise
// may fail (no THP, an old kernel) and the copy is then faulted in page by page as usual.
#include "parse/document_buffer.h"

#include <sys/mman.h>

#include <cstring>

namespace feedd::feeds::parse {
namespace {

// Below this the heap is cheaper: malloc hands back pages it has already faulted in, and a
// mapping would be created, zeroed and torn down for every document (at 512 KiB, parsing the
// 2,000-file bench corpus, 887 files of 512 KiB-1 MiB, took 13% more CPU). The daemon's malloc
// maps blocks of 1 MiB or more itself (daemon/src/main.cc), fresh pages every time.
constexpr std::size_t kMapThreshold = std::size_t{1} << 20;
constexpr std::size_t kHugePage = std::size_t{2} << 20;

}  // namespace

void Unmapper::operator()(char* address) const { munmap(address, length); }

DocumentBuffer DocumentBuffer::CopyOf(std::string_view text) {
  DocumentBuffer buffer;
  if (text.size() >= kMapThreshold) {
    const std::size_t length = (text.size() + kHugePage - 1) / kHugePage * kHugePage;
    void* address =
        mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (address != MAP_FAILED) {
      madvise(address, length, MADV_HUGEPAGE);
#ifdef MADV_POPULATE_WRITE
      madvise(address, length, MADV_POPULATE_WRITE);
#endif
      buffer.mapped_ =
          std::unique_ptr<char, Unmapper>(static_cast<char*>(address), Unmapper{length});
      std::memcpy(buffer.mapped_.get(), text.data(), text.size());
      buffer.mapped_size_ = text.size();
      return buffer;
    }
  }
  buffer.heap_.assign(text);
  return buffer;
}

}  // namespace feedd::feeds::parse
