// Reads files and stdin as bytes (feeds may be in any encoding; no text-mode conversion).
#include "read_input.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

namespace feedd::feedctl {

Result<std::string> ReadInput(const std::string& path) {
  if (path == "-") {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    if (std::cin.bad()) return Fail("read stdin: I/O error");
    return buffer.str();
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return Fail("open " + path + ": " + std::strerror(errno));
  std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) return Fail("read " + path + ": I/O error");
  return bytes;
}

}  // namespace feedd::feedctl
