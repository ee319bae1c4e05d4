#include "image/overlay.h"

#include "image/entry_path.h"

namespace moat::image {

bool Overlay::hides(std::string_view path) const {
  std::string p(path);
  if (replaced_.count(p) || whiteouts_.count(p)) return true;
  while (p != "/") {
    p = std::string(parent_path(p));
    if (opaques_.count(p)) return true;
    if (p != "/" && (replaced_.count(p) || whiteouts_.count(p))) return true;
  }
  return false;
}

}  // namespace moat::image
