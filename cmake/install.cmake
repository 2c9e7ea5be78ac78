# `cmake --install BUILD --prefix P` (and the .deb of cmake/package.cmake): the two tools, the
# data h1spec reads and the man pages, laid out so that conformance/cli/data_dirs.cc finds the
# data from bin/ alone (P/bin/../share/h1spec), wherever P ends up.
#
#   P/bin/h1spec, P/bin/h1ref
#   P/share/h1spec/cases/*.md      the case files (conformance/cases)
#   P/share/h1spec/waivers/        conformance/waivers
#   P/share/h1spec/html/           the build tree's docroot: html/ plus the generated big.bin
#   P/share/man/man1/{h1spec,h1ref}.1.gz
#
# h1fault stays out: it is the suite's own proof that it can fail (a deliberately broken relay
# the fault tests put in front of h1ref), not something a user grading a server needs.
include(GNUInstallDirs)

install(TARGETS h1spec h1ref RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

set(H1_SHARE ${CMAKE_INSTALL_DATADIR}/h1spec)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/conformance/cases/ DESTINATION ${H1_SHARE}/cases
  FILES_MATCHING PATTERN "*.md")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/conformance/waivers/ DESTINATION ${H1_SHARE}/waivers)
# The build tree's docroot, dotfiles included (.hidden is what the hidden-file cases ask for);
# html_blob is an ALL target, so a built tree always has big.bin here.
install(DIRECTORY ${H1_DOCROOT}/ DESTINATION ${H1_SHARE}/html)

# Man pages gzip -9n'd at build time, as Debian policy asks of packaged pages (-n: no name or
# time stamp, so the bytes depend on the page alone); man(1) reads them the same.
set(h1_man_pages)
foreach(page h1spec.1 h1ref.1)
  set(out ${CMAKE_BINARY_DIR}/man/${page}.gz)
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -E copy ${PROJECT_SOURCE_DIR}/docs/man/${page}
      ${CMAKE_BINARY_DIR}/man/${page}
    COMMAND gzip -9nf ${CMAKE_BINARY_DIR}/man/${page}
    DEPENDS ${PROJECT_SOURCE_DIR}/docs/man/${page}
    VERBATIM)
  list(APPEND h1_man_pages ${out})
endforeach()
add_custom_target(h1_man_pages ALL DEPENDS ${h1_man_pages})
install(FILES ${h1_man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
