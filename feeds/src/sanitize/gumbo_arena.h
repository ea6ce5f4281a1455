// A bump allocator for one gumbo parse. gumbo makes a malloc and a free for every token,
// string buffer and node (half the sanitiser's time went to the C heap); one parse's memory
// is released at once, so frees can be no-ops until the arena is destroyed.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <memory>
#include <vector>

namespace feedd::feeds::sanitize {

class GumboArena {
 public:
  // Past this many bytes in chunks, allocations go to the heap (calloc) and are freed one by
  // one again: a huge hostile document must not turn every free into retained memory.
  static constexpr std::size_t kMaxArenaBytes = std::size_t{64} << 20;

  GumboArena() = default;
  GumboArena(const GumboArena&) = delete;
  GumboArena& operator=(const GumboArena&) = delete;

  // Zeroed memory (gumbo's fragment mode reads a field it never writes; see
  // gumbo_fragment.cc), aligned for any type; never null (out of memory aborts: gumbo has no
  // way to fail an allocation).
  void* Allocate(std::size_t size);
  // A no-op for arena memory; frees heap fallback blocks.
  void Deallocate(void* pointer);
  // Whether any heap fallback block is still live, i.e. whether the parse output must be
  // destroyed block by block rather than dropped with the arena.
  bool HasHeapBlocks() const { return heap_blocks_ > 0; }

  // The gumbo callbacks; userdata is the arena.
  static void* AllocateCallback(void* arena, std::size_t size);
  static void DeallocateCallback(void* arena, void* pointer);

 private:
  struct FreeBytes {
    void operator()(std::byte* bytes) const { std::free(bytes); }
  };
  using ChunkBytes = std::unique_ptr<std::byte[], FreeBytes>;
  struct Chunk {
    ChunkBytes bytes;
    std::size_t size = 0;
  };
  bool Owns(const void* pointer) const;

  std::vector<Chunk> chunks_;  // sizes grow geometrically, so there are few to search
  std::size_t used_ = 0;       // bytes handed out from the last chunk
  std::size_t total_ = 0;      // bytes in all chunks
  std::size_t heap_blocks_ = 0;
};

}  // namespace feedd::feeds::sanitize
