#include "cli/data_dirs.h"

#include <filesystem>
#include <system_error>

namespace h1spec {

namespace fs = std::filesystem;

namespace {

// The compiled-in build-tree default, or empty.
#ifndef H1SPEC_CASES_DIR
#define H1SPEC_CASES_DIR ""
#endif
#ifndef H1SPEC_WAIVERS_DIR
#define H1SPEC_WAIVERS_DIR ""
#endif
#ifndef H1SPEC_DOCROOT
#define H1SPEC_DOCROOT ""
#endif
#ifndef H1SPEC_H1REF
#define H1SPEC_H1REF ""
#endif

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

}  // namespace

DataDirs find_data_dirs() {
  DataDirs d{H1SPEC_CASES_DIR, H1SPEC_WAIVERS_DIR, H1SPEC_DOCROOT, H1SPEC_H1REF};
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return d;
  const fs::path bin = exe.parent_path();
  const fs::path share = bin.parent_path() / "share" / "h1spec";
  if (is_dir(share / "cases")) {
    d.cases = (share / "cases").string();
    d.waivers = (share / "waivers").string();
    d.docroot = (share / "html").string();
    if (fs::exists(bin / "h1ref", ec)) d.h1ref = (bin / "h1ref").string();
  }
  return d;
}

}  // namespace h1spec
