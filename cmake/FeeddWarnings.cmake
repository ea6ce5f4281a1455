# Compiler flags shared by every feedd target: strict warnings, optional -Werror and sanitizers.
add_library(feedd_warnings INTERFACE)
target_compile_options(feedd_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wold-style-cast
  -Wnon-virtual-dtor -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough
  $<$<BOOL:${FEEDD_WERROR}>:-Werror>)

if(FEEDD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

if(FEEDD_FUZZ)
  # Instrument every library for coverage so libFuzzer can steer into them.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
