#pragma once
// A rule's output string ("... user=%user.name command=%proc.cmdline") compiled into literal text
// and bound fields, and the Falco JSON alert line built from it.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/falco_fields.h"

namespace moat::runtime::falco {

class OutputFormat {
 public:
  // `container_info` replaces the %container.info placeholder. Throws moat::Error("<where>: ...")
  // for an unknown field.
  OutputFormat(const std::string& text, const std::string& container_info, const std::string& where);

  // The output text with every %field replaced ("<NA>" when absent); `fields` (if not null)
  // receives each field's value, null when absent, keyed by the field as written.
  void render(Env& env, std::string& out, nlohmann::json* fields) const;

 private:
  struct Segment {
    std::string literal;  // text before the field
    bool has_field = false;
    BoundField field;
  };
  std::vector<Segment> segments_;
};

}  // namespace moat::runtime::falco
