// make_blob OUTPUT [SIZE]: writes SIZE (default 1 MiB) deterministic pseudo-random bytes,
// so that the docroot's big.bin is identical on every machine without being committed. Written to
// OUTPUT.tmp then renamed, so that concurrent builds never see a partial file.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

// xorshift64 (Marsaglia): tiny, fast and stable across compilers and platforms.
std::uint64_t next(std::uint64_t& state) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: make_blob OUTPUT [SIZE]\n");
    return 2;
  }
  const std::string out = argv[1];
  const std::size_t size = argc == 3 ? std::strtoull(argv[2], nullptr, 10) : std::size_t{1} << 20;
  std::vector<unsigned char> bytes(size);
  std::uint64_t state = 0x6831726566626c62;  // "h1refblb": any non-zero constant
  for (std::size_t i = 0; i < size; i += 8) {
    std::uint64_t v = next(state);
    for (std::size_t j = i; j < size && j < i + 8; ++j, v >>= 8) {
      bytes[j] = static_cast<unsigned char>(v & 0xff);
    }
  }
  const std::string tmp = out + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    std::perror(tmp.c_str());
    return 1;
  }
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (std::fclose(f) != 0 || !written || std::rename(tmp.c_str(), out.c_str()) != 0) {
    std::perror(out.c_str());
    std::remove(tmp.c_str());
    return 1;
  }
  return 0;
}
