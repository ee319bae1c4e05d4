#include "misconfig/yaml_doc.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <sstream>

#include "base/error.h"

namespace moat::misconfig {

std::optional<bool> YamlNode::as_bool() const {
  if (kind_ != YamlKind::Scalar || !plain_) return std::nullopt;
  static constexpr std::array<std::string_view, 11> yes = {"true", "True", "TRUE", "yes", "Yes", "YES",
                                                           "on",   "On",   "ON",   "y",   "Y"};
  static constexpr std::array<std::string_view, 11> no = {"false", "False", "FALSE", "no", "No", "NO",
                                                          "off",   "Off",   "OFF",   "n",  "N"};
  if (std::find(yes.begin(), yes.end(), text_) != yes.end()) return true;
  if (std::find(no.begin(), no.end(), text_) != no.end()) return false;
  return std::nullopt;
}

std::optional<std::int64_t> YamlNode::as_int() const {
  if (kind_ != YamlKind::Scalar || text_.empty()) return std::nullopt;
  std::string_view digits = text_;
  if (digits.front() == '+') digits.remove_prefix(1);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

const YamlEntry* YamlNode::find_direct(std::string_view key) const {
  for (const YamlEntry& entry : entries_) {
    if (entry.key->kind_ == YamlKind::Scalar && entry.key->text_ == key) return &entry;
  }
  return nullptr;
}

const YamlEntry* YamlNode::find(std::string_view key) const {
  if (kind_ != YamlKind::Map) return nullptr;
  if (const YamlEntry* direct = find_direct(key)) return direct;
  // `<<: *base` or `<<: [*a, *b]` merges maps; the merged maps are already bounded by the loader,
  // and only one level is followed so a lookup stays cheap.
  const YamlEntry* merge = find_direct("<<");
  if (merge == nullptr) return nullptr;
  if (merge->value->is_map()) return merge->value->find_direct(key);
  for (const YamlNode* item : merge->value->items_) {
    if (item->is_map()) {
      if (const YamlEntry* found = item->find_direct(key)) return found;
    }
  }
  return nullptr;
}

const YamlNode* YamlNode::get(std::string_view key) const {
  const YamlEntry* entry = find(key);
  return entry == nullptr ? nullptr : entry->value;
}

namespace {

Position position_of(const YAML::Mark& mark) {
  if (mark.is_null()) return {};
  return {mark.line + 1, mark.column + 1};
}

std::string at(const std::string& file, Position where) {
  if (where.line == 0) return file;
  return file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
}

}  // namespace

// Turns yaml-cpp's parse events into YamlNodes, enforcing the limits as the events arrive, so a
// hostile document is stopped before it costs depth, memory or an exponential walk.
class YamlStreamBuilder : public YAML::EventHandler {
 public:
  YamlStreamBuilder(YamlStream& stream, const std::string& file, const YamlLimits& limits)
      : stream_(stream), file_(file), limits_(limits) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    // yaml-cpp 0.7 can loop on some malformed streams, starting empty documents at one place forever.
    if (previous_start_ == mark.pos) fail(file_, position_of(mark), "malformed YAML (the parser stopped advancing)");
    previous_start_ = mark.pos;
    document_start_ = position_of(mark);
    anchors_.clear();
    stack_.clear();
    root_ = nullptr;
  }

  void OnDocumentEnd() override {
    if (root_ == nullptr) root_ = make(YamlKind::Null, document_start_);
    stream_.documents.push_back({root_, document_start_});
  }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    YamlNode* node = make(YamlKind::Null, position_of(mark));
    close(node, anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto found = anchors_.find(anchor);
    if (found == anchors_.end()) fail(file_, position_of(mark), "alias to an unknown anchor");
    if (found->second->open_) fail(file_, position_of(mark), "alias refers to a node that contains it");
    count_node(position_of(mark));
    attach(found->second, position_of(mark));
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    YamlNode* node = make(YamlKind::Scalar, position_of(mark));
    node->text_ = value;
    node->plain_ = tag == "?";
    close(node, anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(make(YamlKind::Sequence, position_of(mark)), anchor);
  }
  void OnSequenceEnd() override { close_top(); }

  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(make(YamlKind::Map, position_of(mark)), anchor);
  }
  void OnMapEnd() override { close_top(); }

 private:
  struct Open {
    YamlNode* node;
    const YamlNode* pending_key;  // maps: the key waiting for its value
  };

  [[noreturn]] static void fail(const std::string& file, Position where, const std::string& what) {
    moat::fail(at(file, where), what);
  }

  void count_node(Position where) {
    if (++node_count_ > limits_.max_nodes) {
      fail(file_, where, "more than " + std::to_string(limits_.max_nodes) + " YAML nodes");
    }
  }

  YamlNode* make(YamlKind kind, Position where) {
    count_node(where);
    auto node = std::make_unique<YamlNode>();
    node->kind_ = kind;
    node->where_ = where;
    stream_.arena_.push_back(std::move(node));
    return stream_.arena_.back().get();
  }

  void open(YamlNode* node, YAML::anchor_t anchor) {
    if (stack_.size() >= limits_.max_depth) {
      fail(file_, node->where_, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    if (anchor != YAML::NullAnchor) anchors_[anchor] = node;
    stack_.push_back({node, nullptr});
  }

  void close_top() {
    YamlNode* node = stack_.back().node;
    stack_.pop_back();
    node->open_ = false;
    attach(node, node->where_);
  }

  void close(YamlNode* node, YAML::anchor_t anchor) {
    node->open_ = false;
    if (anchor != YAML::NullAnchor) anchors_[anchor] = node;
    attach(node, node->where_);
  }

  void attach(const YamlNode* node, Position where) {
    if (stack_.empty()) {
      root_ = node;
      return;
    }
    Open& parent = stack_.back();
    parent.node->expanded_size_ = std::min<std::uint64_t>(parent.node->expanded_size_ + node->expanded_size_,
                                                          limits_.max_expanded_nodes + 1);
    if (parent.node->expanded_size_ > limits_.max_expanded_nodes) {
      fail(file_, where,
           "aliases expand to more than " + std::to_string(limits_.max_expanded_nodes) + " nodes (YAML bomb?)");
    }
    if (parent.node->kind_ == YamlKind::Sequence) {
      parent.node->items_.push_back(node);
    } else if (parent.pending_key == nullptr) {
      parent.pending_key = node;
    } else {
      parent.node->entries_.push_back({parent.pending_key, node});
      parent.pending_key = nullptr;
    }
  }

  YamlStream& stream_;
  const std::string& file_;
  const YamlLimits& limits_;
  Position document_start_;
  std::vector<Open> stack_;
  std::map<YAML::anchor_t, YamlNode*> anchors_;
  const YamlNode* root_ = nullptr;
  std::size_t node_count_ = 0;
  int previous_start_ = -1;
};

YamlStream load_yaml_stream(std::string_view text, const std::string& file, const YamlLimits& limits) {
  YamlStream stream;
  try {
    if (text.size() > limits.max_bytes) {
      moat::fail(file, "file is " + std::to_string(text.size()) + " bytes, larger than the " +
                           std::to_string(limits.max_bytes) + "-byte limit for a manifest");
    }
    if (text.find('\0') != std::string_view::npos) moat::fail(file, "binary content (NUL bytes), not YAML or JSON");
    std::istringstream input{std::string(text)};
    YAML::Parser parser(input);
    YamlStreamBuilder builder(stream, file, limits);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const moat::Error& error) {
    stream.error = error.what();
  } catch (const YAML::Exception& error) {
    stream.error = at(file, position_of(error.mark)) + ": " + error.msg;
  } catch (const std::bad_alloc&) {
    stream.error = file + ": out of memory while reading YAML";
  }
  return stream;
}

}  // namespace moat::misconfig
