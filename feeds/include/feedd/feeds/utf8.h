// Encoding code points as UTF-8, shared by the parser, the renderers and storage's text
// fingerprints.
#pragma once

#include <string>

namespace feedd::feeds {

// Appends `code_point` as UTF-8; what UTF-8 cannot carry (surrogates, > U+10FFFF) and NUL
// become U+FFFD.
void AppendUtf8(std::string& out, char32_t code_point);

}  // namespace feedd::feeds
