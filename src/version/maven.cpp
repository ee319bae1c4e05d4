// Maven ordering, as org.apache.maven.artifact.versioning.ComparableVersion (Maven 3): a version is
// a list of numbers and qualifiers; "-" and a switch between digits and letters open a sub-list;
// trailing zeros, empty qualifiers and empty sub-lists are dropped; known qualifiers order as
// alpha < beta < milestone < rc < snapshot < "" (release) < sp < anything else (lexically).
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "version/schemes.h"

namespace moat::version::detail {
namespace {

struct Item {
  enum Kind { kNumber, kQualifier, kList } kind;
  std::string text;  // kNumber: digits without leading zeros; kQualifier: its comparable form
  std::vector<Item> items;  // kList
};

constexpr std::array<std::string_view, 7> kQualifiers{"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
constexpr std::string_view kReleaseIndex = "5";  // the comparable form of "" (a release)

Item number(std::string_view digits) {
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  return Item{Item::kNumber, std::string(digits), {}};
}

// A qualifier's comparable form: its index among the known ones, or "7-<qualifier>" so that unknown
// qualifiers sort after all known ones and lexically among themselves.
Item qualifier(std::string value, bool followed_by_digit) {
  if (followed_by_digit && value.size() == 1) {
    if (value == "a") value = "alpha";
    else if (value == "b") value = "beta";
    else if (value == "m") value = "milestone";
  }
  if (value == "ga" || value == "final" || value == "release") value = "";
  else if (value == "cr") value = "rc";
  for (std::size_t i = 0; i < kQualifiers.size(); ++i) {
    if (kQualifiers[i] == value) return Item{Item::kQualifier, std::to_string(i), {}};
  }
  return Item{Item::kQualifier, std::to_string(kQualifiers.size()) + "-" + value, {}};
}

bool is_null(const Item& item) {
  switch (item.kind) {
    case Item::kNumber: return item.text == "0";
    case Item::kQualifier: return item.text == kReleaseIndex;
    case Item::kList: return item.items.empty();
  }
  return false;
}

// Drops trailing null items, looking through trailing sub-lists.
void normalize(std::vector<Item>& list) {
  for (std::size_t i = list.size(); i-- > 0;) {
    if (is_null(list[i])) {
      list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
    } else if (list[i].kind != Item::kList) {
      break;
    }
  }
}

Item parse(std::string_view v) {
  std::string lower;
  lower.reserve(v.size());
  for (char c : v) lower += to_lower(c);
  std::string_view s = lower;

  Item root{Item::kList, {}, {}};
  // The open lists, innermost last; each new sub-list is the last item of its parent, so a path of
  // indices would do, but pointers into vectors move — keep the chain of lists explicitly.
  std::vector<Item*> stack{&root};
  auto add = [&](Item item) { stack.back()->items.push_back(std::move(item)); };
  auto open_list = [&] {
    add(Item{Item::kList, {}, {}});
    stack.push_back(&stack.back()->items.back());
  };
  auto parse_item = [](bool digit, std::string_view text) {
    return digit ? number(text) : qualifier(std::string(text), false);
  };

  bool digit = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.') {
      add(i == start ? number("0") : parse_item(digit, s.substr(start, i - start)));
      start = i + 1;
    } else if (c == '-') {
      add(i == start ? number("0") : parse_item(digit, s.substr(start, i - start)));
      start = i + 1;
      open_list();
    } else if (is_digit(c)) {
      if (!digit && i > start) {
        add(qualifier(std::string(s.substr(start, i - start)), true));
        start = i;
        open_list();
      }
      digit = true;
    } else {
      if (digit && i > start) {
        add(number(s.substr(start, i - start)));
        start = i;
        open_list();
      }
      digit = false;
    }
  }
  if (s.size() > start) add(parse_item(digit, s.substr(start)));
  for (std::size_t i = stack.size(); i-- > 0;) normalize(stack[i]->items);
  return root;
}

int compare_items(const Item* a, const Item* b);

// How an item compares with "nothing" (the other list ran out).
int compare_with_nothing(const Item& a) {
  switch (a.kind) {
    case Item::kNumber: return a.text == "0" ? 0 : 1;
    case Item::kQualifier: return sign(a.text.compare(kReleaseIndex));
    case Item::kList: return a.items.empty() ? 0 : compare_with_nothing(a.items.front());
  }
  return 0;
}

int compare_items(const Item* a, const Item* b) {
  if (b == nullptr) return compare_with_nothing(*a);
  switch (a->kind) {
    case Item::kNumber:
      if (b->kind == Item::kNumber) return compare_digits(a->text, b->text);
      return 1;  // 1.1 > 1-sp, 1.1 > 1-1
    case Item::kQualifier:
      if (b->kind == Item::kQualifier) return sign(a->text.compare(b->text));
      return -1;  // 1.any < 1.1, 1.any < 1-1
    case Item::kList:
      if (b->kind == Item::kNumber) return -1;  // 1-1 < 1.0.x
      if (b->kind == Item::kQualifier) return 1;  // 1-1 > 1-sp
      for (std::size_t i = 0; i < a->items.size() || i < b->items.size(); ++i) {
        const Item* l = i < a->items.size() ? &a->items[i] : nullptr;
        const Item* r = i < b->items.size() ? &b->items[i] : nullptr;
        int result = l == nullptr ? (r == nullptr ? 0 : -compare_items(r, l)) : compare_items(l, r);
        if (result != 0) return result;
      }
      return 0;
  }
  return 0;
}

}  // namespace

int compare_maven(std::string_view a, std::string_view b) {
  if (trim_blanks(a).empty()) fail_version("maven", a, "empty version");
  if (trim_blanks(b).empty()) fail_version("maven", b, "empty version");
  Item x = parse(a), y = parse(b);
  return compare_items(&x, &y);
}

}  // namespace moat::version::detail
