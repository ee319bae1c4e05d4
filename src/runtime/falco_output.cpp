#include "runtime/falco_output.h"

#include "base/error.h"

namespace moat::runtime::falco {
namespace {

bool field_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

}  // namespace

OutputFormat::OutputFormat(const std::string& text_in, const std::string& container_info, const std::string& where) {
  std::string text = text_in;
  for (size_t at = text.find("%container.info"); at != std::string::npos;
       at = text.find("%container.info", at + container_info.size())) {
    const size_t end = at + 15;
    if (end < text.size() && field_char(text[end])) {
      at += 1;
      continue;
    }
    text.replace(at, 15, container_info);
  }
  Segment current;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '%') {
      current.literal += c;
      ++i;
      continue;
    }
    // %field or %field[arg]; a '%' not followed by a field name stays literal. A trailing
    // '.' ends a sentence, not a field name.
    size_t j = i + 1;
    while (j < text.size() && field_char(text[j])) ++j;
    while (j > i + 1 && text[j - 1] == '.') --j;
    std::string name = text.substr(i + 1, j - i - 1);
    if (name.find('.') == std::string::npos) {
      current.literal += c;
      ++i;
      continue;
    }
    FieldRef ref;
    ref.name = name;
    if (j < text.size() && text[j] == '[') {
      const size_t close = text.find(']', j);
      if (close == std::string::npos) fail(where, "unclosed '[' after %" + name + " in output");
      ref.arg = text.substr(j + 1, close - j - 1);
      ref.has_arg = true;
      j = close + 1;
    }
    current.field = bind_field(ref, where + " output");
    current.has_field = true;
    segments_.push_back(std::move(current));
    current = Segment{};
    i = j;
  }
  if (!current.literal.empty()) segments_.push_back(std::move(current));
}

void OutputFormat::render(Env& env, std::string& out, nlohmann::json* fields) const {
  std::string value;
  for (const auto& seg : segments_) {
    out += seg.literal;
    if (!seg.has_field) continue;
    Value v;
    if (!seg.field.get(env, 0, v, env.lhs_buf)) {
      out += "<NA>";
      if (fields != nullptr) (*fields)[seg.field.name] = nullptr;
      continue;
    }
    value.clear();
    render_value(seg.field, v, value);
    out += value;
    if (fields == nullptr) continue;
    const ValueType t = seg.field.transformers.empty() ? seg.field.type : ValueType::String;
    if (t == ValueType::Int) {
      (*fields)[seg.field.name] = v.i;
    } else if (t == ValueType::Bool) {
      (*fields)[seg.field.name] = v.i != 0;
    } else {
      (*fields)[seg.field.name] = value;
    }
  }
}

}  // namespace moat::runtime::falco
