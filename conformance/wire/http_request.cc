#include "wire/http_request.h"

#include "wire/response_reader.h"

namespace h1spec {

std::vector<std::string_view> Request::all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [n, v] : fields) {
    if (iequals(n, name)) out.emplace_back(v);
  }
  return out;
}

const std::string* Request::find(std::string_view name) const {
  for (const auto& [n, v] : fields) {
    if (iequals(n, name)) return &v;
  }
  return nullptr;
}

}  // namespace h1spec
