# `cmake --install` layout (Debian's, with CMAKE_INSTALL_PREFIX=/usr) and the CPack .deb.
# feedd goes to sbin: it is a system daemon run by systemd, not a command for users
# (Debian policy 9.1.1: programs for the administrator in /usr/sbin); feedctl to bin.
# The default prefix is /usr, not /usr/local: systemd only looks for units, sysusers.d and
# tmpfiles.d there, and the .deb is built from the same layout.
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX /usr CACHE PATH "Install prefix" FORCE)
endif()
include(GNUInstallDirs)
# `cmake --install` and cpack install what is built (feedd, feedctl) instead of building every
# target (tests, benchmarks) first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

install(TARGETS feedd DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(TARGETS feedctl DESTINATION ${CMAKE_INSTALL_BINDIR})

# Units name /usr/sbin/feedd and /etc/feedd; other prefixes get their own paths substituted.
set(FEEDD_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
    "systemd unit folder, relative to the install prefix")
set(FEEDD_SYSUSERS_DIR "lib/sysusers.d" CACHE STRING "sysusers.d folder, relative to the prefix")
set(FEEDD_TMPFILES_DIR "lib/tmpfiles.d" CACHE STRING "tmpfiles.d folder, relative to the prefix")

foreach(unit feedd.service feedd.socket)
  file(READ ${PROJECT_SOURCE_DIR}/systemd/${unit} unit_text)
  string(REPLACE "/usr/sbin/feedd" "${CMAKE_INSTALL_FULL_SBINDIR}/feedd" unit_text "${unit_text}")
  string(REPLACE "/etc/feedd/" "${CMAKE_INSTALL_FULL_SYSCONFDIR}/feedd/" unit_text "${unit_text}")
  file(WRITE ${PROJECT_BINARY_DIR}/systemd/${unit} "${unit_text}")
  install(FILES ${PROJECT_BINARY_DIR}/systemd/${unit} DESTINATION ${FEEDD_SYSTEMD_UNIT_DIR})
endforeach()
# Re-run the substitution when a unit changes.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${PROJECT_SOURCE_DIR}/systemd/feedd.service ${PROJECT_SOURCE_DIR}/systemd/feedd.socket)
install(FILES ${PROJECT_SOURCE_DIR}/systemd/feedd.sysusers.conf
        DESTINATION ${FEEDD_SYSUSERS_DIR} RENAME feedd.conf)
install(FILES ${PROJECT_SOURCE_DIR}/systemd/feedd.tmpfiles.conf
        DESTINATION ${FEEDD_TMPFILES_DIR} RENAME feedd.conf)

# The config the unit reads (a conffile in the .deb), and the examples next to the docs.
# Absolute: with prefix /usr it is /etc/feedd, not /usr/etc/feedd.
install(FILES ${PROJECT_SOURCE_DIR}/config/examples/feedd.toml
        DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/feedd)
install(FILES ${PROJECT_SOURCE_DIR}/config/examples/feedd.toml
              ${PROJECT_SOURCE_DIR}/config/examples/dev.toml
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
foreach(doc README.md docs/config.md docs/api.md docs/service.md)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${doc})
    install(FILES ${PROJECT_SOURCE_DIR}/${doc} DESTINATION ${CMAKE_INSTALL_DOCDIR})
  endif()
endforeach()

# Man pages and completions are written elsewhere; installed when present.
file(GLOB FEEDD_MAN_PAGES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/man/*.[1-8])
foreach(page ${FEEDD_MAN_PAGES})
  string(REGEX REPLACE ".*\\.([1-8])$" "\\1" section ${page})
  install(FILES ${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
if(EXISTS ${PROJECT_SOURCE_DIR}/completions/feedctl.bash)
  install(FILES ${PROJECT_SOURCE_DIR}/completions/feedctl.bash
          DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME feedctl)
endif()
if(EXISTS ${PROJECT_SOURCE_DIR}/completions/_feedctl)
  install(FILES ${PROJECT_SOURCE_DIR}/completions/_feedctl
          DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
endif()

# --- CPack: one Debian package, `cpack -G DEB` in the build folder ---
set(CPACK_PACKAGE_NAME feedd)
set(CPACK_PACKAGE_VENDOR "feedd")
# The Maintainer field names whoever builds and ships the .deb; there is no default to ship
# under. Without it `cpack -G DEB` stops and says so (or: cpack -D CPACK_PACKAGE_CONTACT=...).
set(FEEDD_PACKAGE_MAINTAINER "" CACHE STRING "Maintainer of the .deb: \"Full Name <email>\"")
if(FEEDD_PACKAGE_MAINTAINER)
  set(CPACK_PACKAGE_CONTACT "${FEEDD_PACKAGE_MAINTAINER}")
endif()
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "feed aggregator daemon (RSS, Atom, JSON Feed)")
set(CPACK_PACKAGE_DESCRIPTION "feedd follows RSS, Atom and JSON Feed subscriptions, keeps every \
article once in SQLite and publishes merged feeds any feed reader can subscribe to. feedctl \
controls it.")
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(STATUS "feedd: CMAKE_INSTALL_PREFIX is ${CMAKE_INSTALL_PREFIX}; a .deb wants /usr")
endif()
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_SET_DESTDIR ON)  # /etc/feedd is an absolute destination
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies from the binaries (dpkg-shlibdeps), plus what the scripts use.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
set(FEEDD_DEBIAN_DIR ${PROJECT_BINARY_DIR}/debian)
foreach(script postinst prerm postrm)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/${script} ${FEEDD_DEBIAN_DIR}/${script} @ONLY
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                  WORLD_READ WORLD_EXECUTE)
endforeach()
file(WRITE ${FEEDD_DEBIAN_DIR}/conffiles "${CMAKE_INSTALL_FULL_SYSCONFDIR}/feedd/feedd.toml\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${FEEDD_DEBIAN_DIR}/postinst ${FEEDD_DEBIAN_DIR}/prerm ${FEEDD_DEBIAN_DIR}/postrm
    ${FEEDD_DEBIAN_DIR}/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
