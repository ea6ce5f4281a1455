# Finds feedd's Debian 12 dependencies and fails early naming the package to install.
# scripts/install-deps.sh installs all of them.
find_package(PkgConfig)

function(feedd_require found package)
  if(NOT ${found})
    message(FATAL_ERROR "feedd: missing dependency; install the Debian package '${package}' "
                        "(or run scripts/install-deps.sh)")
  endif()
endfunction()

if(NOT PkgConfig_FOUND)
  message(FATAL_ERROR "feedd: pkg-config not found; install the Debian package 'pkg-config'")
endif()

pkg_check_modules(CURL IMPORTED_TARGET libcurl)
feedd_require(CURL_FOUND libcurl4-openssl-dev)
pkg_check_modules(PUGIXML IMPORTED_TARGET pugixml)
feedd_require(PUGIXML_FOUND libpugixml-dev)
pkg_check_modules(SQLITE3 IMPORTED_TARGET sqlite3)
feedd_require(SQLITE3_FOUND libsqlite3-dev)
pkg_check_modules(GUMBO IMPORTED_TARGET gumbo)
feedd_require(GUMBO_FOUND libgumbo-dev)
pkg_check_modules(TOMLPLUSPLUS IMPORTED_TARGET tomlplusplus)
feedd_require(TOMLPLUSPLUS_FOUND libtomlplusplus-dev)
pkg_check_modules(ZLIB IMPORTED_TARGET zlib)
feedd_require(ZLIB_FOUND zlib1g-dev)

find_package(Boost 1.81 QUIET CONFIG)
feedd_require(Boost_FOUND libboost1.81-dev)
find_package(spdlog QUIET CONFIG)
feedd_require(spdlog_FOUND libspdlog-dev)
find_package(nlohmann_json 3.10 QUIET CONFIG)
feedd_require(nlohmann_json_FOUND nlohmann-json3-dev)
find_package(CLI11 QUIET CONFIG)
feedd_require(CLI11_FOUND libcli11-dev)
find_package(Threads REQUIRED)

if(FEEDD_WITH_SYSTEMD)
  pkg_check_modules(SYSTEMD IMPORTED_TARGET libsystemd)
  if(NOT SYSTEMD_FOUND)
    message(STATUS "feedd: libsystemd-dev not found; building without sd_notify/socket activation")
  endif()
endif()

if(FEEDD_BUILD_TESTS)
  find_package(doctest QUIET CONFIG)
  feedd_require(doctest_FOUND doctest-dev)
endif()
