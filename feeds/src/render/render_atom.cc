// PLACEHOLDER until the renderers land.
#include "feedd/feeds/render.h"
namespace feedd::feeds {
std::string RenderAtom(const OutputDocument&) { return ""; }
std::string RenderRss(const OutputDocument&) { return ""; }
std::string RenderJsonFeed(const OutputDocument&) { return ""; }
}  // namespace feedd::feeds
