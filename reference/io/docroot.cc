#include "io/docroot.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

namespace h1::io {

namespace {

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

// A failure: no descriptor.
Beneath failed(OpenStatus status) noexcept { return {status, {}, {}}; }

// Takes ownership of an open descriptor and keeps it only if it is a regular file or a
// directory: FIFOs, devices and sockets are never served.
Beneath classify(int raw_fd) noexcept {
  unique_fd fd(raw_fd);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return failed(OpenStatus::error);
  const bool dir = S_ISDIR(st.st_mode);
  if (!dir && !S_ISREG(st.st_mode)) return failed(OpenStatus::forbidden);
  core::FileInfo info;
  info.size = static_cast<std::uint64_t>(st.st_size);
  info.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                  static_cast<std::int64_t>(st.st_mtim.tv_nsec);
  info.directory = dir;
  return {OpenStatus::ok, std::move(fd), info};
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

Beneath open_beneath(int root_fd, std::string_view rel, bool* unsupported) noexcept {
  char path[PATH_MAX];
  if (!to_c_path(rel, path)) return failed(OpenStatus::not_found);
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
    return failed(status_for_errno(err));
  }
  if (unsupported != nullptr) *unsupported = false;
  return classify(static_cast<int>(fd));
}

Beneath open_beneath_walk(int root_fd, std::string_view rel) noexcept {
  if (!rel.empty() && rel.front() == '/') return failed(OpenStatus::forbidden);
  char path[PATH_MAX];
  if (!to_c_path(rel, path)) return failed(OpenStatus::not_found);

  unique_fd held;  // the directory entered so far; the root itself is borrowed
  int dir = root_fd;
  char* name = path;
  for (;;) {
    char* slash = std::strchr(name, '/');
    if (slash != nullptr) *slash = '\0';
    if (std::strcmp(name, "..") == 0) return failed(OpenStatus::forbidden);
    const bool last = (slash == nullptr);
    const bool skip = (name[0] == '\0' || std::strcmp(name, ".") == 0);
    if (last) {
      const char* final_name = skip ? "." : name;
      const int fd = openat_retry(dir, final_name, kDocumentFlags | O_NOFOLLOW);
      if (fd < 0) return failed(status_for_errno(errno));
      return classify(fd);
    }
    if (!skip) {
      // O_PATH needs only search permission, as ordinary path resolution does; with
      // O_NOFOLLOW a symlink here fails with ENOTDIR instead of being entered.
      const int fd = openat_retry(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) return failed(component_failure(dir, name, errno));
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
  Beneath probe{};
  if (resolver == Resolver::automatic) {
    bool unsupported = false;
    probe = open_beneath(root.get(), "", &unsupported);
    use_openat2 = !unsupported;
  }
  if (!use_openat2) probe = open_beneath_walk(root.get(), "");
  if (probe.status != OpenStatus::ok) {
    return Result::fail("root '" + path + "' is not readable");
  }
  return Result::ok(std::unique_ptr<DocRoot>(new DocRoot(std::move(root), use_openat2)));
}

core::OpenResult DocRoot::open(std::string_view relative_path) noexcept {
  Beneath b = use_openat2_ ? open_beneath(root_.get(), relative_path)
                           : open_beneath_walk(root_.get(), relative_path);
  if (b.status != OpenStatus::ok) return {b.status, {}, {}};
  return {OpenStatus::ok, adopt(b.fd.release()), b.info};
}

std::size_t DocRoot::read(const core::FileHandle& file, std::uint64_t offset,
                          std::span<char> dst) noexcept {
  ssize_t n;
  do {
    n = ::pread(file.get(), dst.data(), dst.size(), static_cast<off_t>(offset));
  } while (n < 0 && errno == EINTR);
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

void DocRoot::release(core::FileHandle::Id fd) noexcept { unique_fd(fd).reset(); }

}  // namespace h1::io
