#include "io/docroot.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cerrno>
#include <climits>
#include <cstring>

namespace h1::io {

namespace {

using core::OpenResult;
using core::OpenStatus;

// Flags for a document. O_NONBLOCK makes opening a FIFO return at once instead of
// blocking the worker until a writer appears (the FIFO is then refused after fstat);
// it has no effect on reads of regular files.
constexpr int kDocumentFlags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;

// Copies rel into buf as a C string; "" becomes "." (the root itself). False if rel is
// too long or holds a NUL, which no file name can contain.
bool to_c_path(std::string_view rel, char (&buf)[PATH_MAX]) noexcept {
  if (rel.empty()) rel = ".";
  if (rel.size() >= sizeof buf || rel.find('\0') != std::string_view::npos) return false;
  std::memcpy(buf, rel.data(), rel.size());
  buf[rel.size()] = '\0';
  return true;
}

OpenStatus status_for_errno(int err) noexcept {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
    case ENAMETOOLONG:
      return OpenStatus::not_found;
    case EXDEV:  // RESOLVE_BENEATH: the path (or a symlink in it) leaves the root
    case ELOOP:  // a magic link, a refused symlink, or a symlink loop
    case EACCES:
    case EPERM:
    case ENXIO:  // a device or socket without a reader
      return OpenStatus::forbidden;
    default:
      return OpenStatus::error;
  }
}

// Takes ownership of an open descriptor and keeps it only if it is a regular file or a
// directory: FIFOs, devices and sockets are never served.
OpenResult classify(int raw_fd) noexcept {
  unique_fd fd(raw_fd);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return {OpenStatus::error, core::kNoFile, {}};
  const bool dir = S_ISDIR(st.st_mode);
  if (!dir && !S_ISREG(st.st_mode)) return {OpenStatus::forbidden, core::kNoFile, {}};
  core::FileInfo info;
  info.size = static_cast<std::uint64_t>(st.st_size);
  info.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                  static_cast<std::int64_t>(st.st_mtim.tv_nsec);
  info.directory = dir;
  return {OpenStatus::ok, fd.release(), info};
}

int openat_retry(int dir, const char* name, int flags) noexcept {
  int fd;
  do {
    fd = ::openat(dir, name, flags);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

// Why an intermediate component could not be entered: a symlink there is refused
// (forbidden) rather than reported missing, so both resolvers agree on escapes.
OpenStatus component_failure(int dir, const char* name, int err) noexcept {
  if (err == ENOTDIR) {
    struct stat st {};
    if (::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
      return OpenStatus::forbidden;
    }
  }
  return status_for_errno(err);
}

}  // namespace

OpenResult open_beneath(int root_fd, std::string_view rel, bool* unsupported) noexcept {
  char path[PATH_MAX];
  if (!to_c_path(rel, path)) return {OpenStatus::not_found, core::kNoFile, {}};
  open_how how{};
  how.flags = static_cast<std::uint64_t>(kDocumentFlags);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  long fd;
  do {
    fd = ::syscall(SYS_openat2, root_fd, path, &how, sizeof how);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    const int err = errno;
    if (unsupported != nullptr) *unsupported = (err == ENOSYS || err == EPERM);
    return {status_for_errno(err), core::kNoFile, {}};
  }
  if (unsupported != nullptr) *unsupported = false;
  return classify(static_cast<int>(fd));
}

OpenResult open_beneath_walk(int root_fd, std::string_view rel) noexcept {
  constexpr OpenResult kForbidden{OpenStatus::forbidden, core::kNoFile, {}};
  if (!rel.empty() && rel.front() == '/') return kForbidden;
  char path[PATH_MAX];
  if (!to_c_path(rel, path)) return {OpenStatus::not_found, core::kNoFile, {}};

  unique_fd held;  // the directory entered so far; the root itself is borrowed
  int dir = root_fd;
  char* name = path;
  for (;;) {
    char* slash = std::strchr(name, '/');
    if (slash != nullptr) *slash = '\0';
    if (std::strcmp(name, "..") == 0) return kForbidden;
    const bool last = (slash == nullptr);
    const bool skip = (name[0] == '\0' || std::strcmp(name, ".") == 0);
    if (last) {
      const char* final_name = skip ? "." : name;
      const int fd = openat_retry(dir, final_name, kDocumentFlags | O_NOFOLLOW);
      if (fd < 0) return {status_for_errno(errno), core::kNoFile, {}};
      return classify(fd);
    }
    if (!skip) {
      // O_PATH needs only search permission, as ordinary path resolution does; with
      // O_NOFOLLOW a symlink here fails with ENOTDIR instead of being entered.
      const int fd = openat_retry(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) return {component_failure(dir, name, errno), core::kNoFile, {}};
      held.reset(fd);
      dir = fd;
    }
    name = slash + 1;
  }
}

SetupResult<std::unique_ptr<DocRoot>> DocRoot::create(const std::string& path, Resolver resolver) {
  using Result = SetupResult<std::unique_ptr<DocRoot>>;
  unique_fd root(::open(path.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) return Result::fail(errno_message("root '" + path + "'", errno));

  // Probe by opening the root itself for reading: this proves it is readable and tells
  // whether openat2 works here (ENOSYS on old kernels, EPERM under some seccomp filters).
  bool use_openat2 = false;
  OpenResult probe{};
  if (resolver == Resolver::automatic) {
    bool unsupported = false;
    probe = open_beneath(root.get(), "", &unsupported);
    use_openat2 = !unsupported;
  }
  if (!use_openat2) probe = open_beneath_walk(root.get(), "");
  if (probe.status != OpenStatus::ok) {
    return Result::fail("root '" + path + "' is not readable");
  }
  unique_fd probe_fd(probe.handle);  // closes it
  return Result::ok(std::unique_ptr<DocRoot>(new DocRoot(std::move(root), use_openat2)));
}

OpenResult DocRoot::open(std::string_view relative_path) noexcept {
  return use_openat2_ ? open_beneath(root_.get(), relative_path)
                      : open_beneath_walk(root_.get(), relative_path);
}

std::size_t DocRoot::read(core::FileHandle file, std::uint64_t offset,
                          std::span<char> dst) noexcept {
  ssize_t n;
  do {
    n = ::pread(file, dst.data(), dst.size(), static_cast<off_t>(offset));
  } while (n < 0 && errno == EINTR);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

void DocRoot::close(core::FileHandle file) noexcept { unique_fd(file).reset(); }

}  // namespace h1::io
