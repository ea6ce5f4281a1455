// GumboArena: chunks grow from 16 KiB, doubling, up to kMaxArenaBytes in all.
#include "sanitize/gumbo_arena.h"

#include <algorithm>
#include <cstdlib>
#include <functional>

namespace feedd::feeds::sanitize {
namespace {

constexpr std::size_t kAlignment = alignof(std::max_align_t);
constexpr std::size_t kFirstChunk = std::size_t{16} << 10;

std::size_t RoundUp(std::size_t size) { return (size + kAlignment - 1) / kAlignment * kAlignment; }

// calloc: zeroed, and big chunks come as fresh zero pages without a memset. gumbo's
// allocator contract has no failure value and unwinding through its C frames is not
// possible, so running out of memory ends the process, as it would inside gumbo.
void* Zeroed(std::size_t size) {
  void* block = std::calloc(1, size);
  if (block == nullptr) std::abort();
  return block;
}

}  // namespace

void* GumboArena::Allocate(std::size_t size) {
  const std::size_t needed = RoundUp(std::max<std::size_t>(size, 1));
  if (chunks_.empty() || chunks_.back().size - used_ < needed) {
    const std::size_t next = chunks_.empty() ? kFirstChunk : chunks_.back().size * 2;
    const std::size_t chunk = std::max(next, needed);
    if (total_ + chunk > kMaxArenaBytes) {
      ++heap_blocks_;
      return Zeroed(size == 0 ? 1 : size);
    }
    chunks_.push_back(Chunk{ChunkBytes(static_cast<std::byte*>(Zeroed(chunk))), chunk});
    total_ += chunk;
    used_ = 0;
  }
  void* pointer = chunks_.back().bytes.get() + used_;
  used_ += needed;
  return pointer;
}

void GumboArena::Deallocate(void* pointer) {
  if (pointer == nullptr || Owns(pointer)) return;
  std::free(pointer);
  --heap_blocks_;
}

bool GumboArena::Owns(const void* pointer) const {
  // std::less gives a total order over unrelated pointers, unlike the built-in <.
  const std::less<const void*> before;
  return std::any_of(chunks_.begin(), chunks_.end(), [&](const Chunk& chunk) {
    const void* begin = chunk.bytes.get();
    const void* end = chunk.bytes.get() + chunk.size;
    return !before(pointer, begin) && before(pointer, end);
  });
}

void* GumboArena::AllocateCallback(void* arena, std::size_t size) {
  return static_cast<GumboArena*>(arena)->Allocate(size);
}

void GumboArena::DeallocateCallback(void* arena, void* pointer) {
  static_cast<GumboArena*>(arena)->Deallocate(pointer);
}

}  // namespace feedd::feeds::sanitize
