#pragma once
// YAML (and JSON, which is flow-style YAML) documents as a small tree that keeps the source position
// of every key and value, so a finding can name the line and column of the offending key.
// Loading is bounded: file size, nesting depth, node count and alias expansion (billion laughs) all
// have limits, and a document that breaks them becomes an error instead of a hang or a huge tree.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "misconfig/check_result.h"

namespace moat::misconfig {

enum class YamlKind { Null, Scalar, Sequence, Map };

class YamlNode;

struct YamlEntry {
  const YamlNode* key = nullptr;
  const YamlNode* value = nullptr;
};

class YamlNode {
 public:
  YamlKind kind() const { return kind_; }
  Position where() const { return where_; }
  bool is_map() const { return kind_ == YamlKind::Map; }
  bool is_sequence() const { return kind_ == YamlKind::Sequence; }
  bool is_scalar() const { return kind_ == YamlKind::Scalar; }
  bool is_null() const { return kind_ == YamlKind::Null; }

  // The scalar's text; empty for other kinds.
  const std::string& text() const { return text_; }
  // True for a plain (unquoted) scalar: only those resolve to booleans and numbers.
  bool plain() const { return plain_; }
  // A boolean the way Kubernetes' YAML reader (YAML 1.1) resolves it: true/false, yes/no, on/off.
  std::optional<bool> as_bool() const;
  std::optional<std::int64_t> as_int() const;

  const std::vector<YamlEntry>& entries() const { return entries_; }  // maps
  const std::vector<const YamlNode*>& items() const { return items_; }  // sequences

  // The entry whose key is `key` (a scalar), also through `<<` merge keys; nullptr when this is not
  // a map or has no such key.
  const YamlEntry* find(std::string_view key) const;
  // The value at a path of map keys, or nullptr.
  const YamlNode* get(std::string_view key) const;
  template <typename... Keys>
  const YamlNode* get(std::string_view first, Keys... rest) const {
    const YamlNode* next = get(first);
    return next == nullptr ? nullptr : next->get(rest...);
  }
  // The scalar text at a path, or "" when absent or not a scalar.
  template <typename... Keys>
  std::string string_at(Keys... keys) const {
    const YamlNode* node = get(keys...);
    return node != nullptr && node->is_scalar() ? node->text() : std::string();
  }

 private:
  friend class YamlStreamBuilder;
  const YamlEntry* find_direct(std::string_view key) const;

  YamlKind kind_ = YamlKind::Null;
  Position where_;
  std::string text_;
  bool plain_ = true;
  bool open_ = true;               // still being built: an alias to it would be a cycle
  std::uint64_t expanded_size_ = 1;  // nodes this one stands for once aliases are expanded
  std::vector<YamlEntry> entries_;
  std::vector<const YamlNode*> items_;
};

struct YamlDocument {
  const YamlNode* root = nullptr;  // never null: an empty document has a Null root
  Position start;
};

struct YamlLimits {
  std::size_t max_bytes = 16u << 20;          // a manifest larger than this is not read
  std::size_t max_depth = 128;                // nesting of maps and sequences
  std::size_t max_nodes = 2'000'000;          // nodes stored, over all documents of the file
  std::uint64_t max_expanded_nodes = 1'000'000;  // nodes of one document with aliases expanded
};

// Every document of one file. Documents before a malformed one are kept; `error` then says, with
// the file name and position, why the rest could not be read.
class YamlStream {
 public:
  std::vector<YamlDocument> documents;
  std::optional<std::string> error;

 private:
  friend class YamlStreamBuilder;
  std::vector<std::unique_ptr<YamlNode>> arena_;
};

YamlStream load_yaml_stream(std::string_view text, const std::string& file, const YamlLimits& limits = {});

}  // namespace moat::misconfig
