// feedctl's version string, from the build.
namespace feedd::feedctl {
const char* Version() { return FEEDD_VERSION; }
}  // namespace feedd::feedctl
