# `make package` (cpack -B build/package): build/package/h1spec_<version>_amd64.deb holding what
# cmake/install.cmake installs, under /usr (the CMake target `package` writes BUILD/package/). dpkg-shlibdeps (dpkg-dev) derives Depends from the
# binaries' shared libraries, so the line follows whatever the build actually links.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME h1spec)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# No address is published yet: .invalid (RFC 2606) says so; -DH1_PACKAGE_MAINTAINER=... sets one.
set(H1_PACKAGE_MAINTAINER "h1spec maintainers <maintainers@h1spec.invalid>" CACHE STRING
  "Maintainer field of the .deb")
set(CPACK_PACKAGE_CONTACT "${H1_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "HTTP/1.1 conformance suite and strict reference server")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/package)
set(CPACK_STRIP_FILES ON)  # Debian ships stripped binaries; the build tree keeps its symbols

set(CPACK_DEBIAN_PACKAGE_NAME h1spec)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # h1spec_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The extended description; CPack puts the summary above it and indents it for the control file.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION [=[h1spec grades HTTP/1.1 servers over loopback against documented cases, each
resting on a quoted RFC 9110 or RFC 9112 sentence with its level (MUST, SHOULD
or MAY). Every case is replayed whole, byte by byte and split at a seeded
point, and the verdicts are reported as text, JUnit XML, JSON, HTML or
Markdown. Its fuzz command sends mutated cases to a server and to the
reference and reports where the two disagree.

h1ref is the reference: a strict static-file HTTP/1.1 server that passes every
case, with six concurrency models (epoll, poll, coroutines, threads, fork and
blocking).

The case files and the document root they expect a server to serve are in
/usr/share/h1spec.]=])

include(CPack)
