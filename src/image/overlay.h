#pragma once
// The union-file-system rules that decide which paths of lower layers a container still sees.
#include <string>
#include <string_view>
#include <unordered_set>

namespace moat::image {

class Overlay {
 public:
  // Layers are added from the top down; hides() answers for the layers added so far.
  void add_replaced(std::string path) { replaced_.insert(std::move(path)); }  // a non-directory entry
  void add_whiteout(std::string path) { whiteouts_.insert(std::move(path)); }
  void add_opaque(std::string dir) { opaques_.insert(std::move(dir)); }

  // True when an upper layer deleted path or one of its ancestors, put a non-directory at one of
  // them, or made an ancestor directory opaque.
  bool hides(std::string_view path) const;

 private:
  std::unordered_set<std::string> replaced_, whiteouts_, opaques_;
};

}  // namespace moat::image
