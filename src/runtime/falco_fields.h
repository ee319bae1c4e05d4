#pragma once
// Falco's field names (evt.*, proc.*, thread.*, user.*, group.*, fd.*, container.*, k8s.*) bound
// once, at compile time, to an extraction function over runtime::Event plus an EvalContext. A
// bound field is a function pointer and a pre-parsed argument: no name lookup per event.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/event.h"
#include "runtime/falco_condition.h"
#include "runtime/falco_context.h"

namespace moat::runtime::falco {

enum class ValueType : uint8_t { String, Int, Bool, Ip, Net };

struct IpAddr {
  uint8_t family = 0;  // 4 or 6; 0 = not an address
  std::array<uint8_t, 16> bytes{};
  bool operator==(const IpAddr&) const = default;
};
bool parse_ip(std::string_view text, IpAddr& out);

struct Cidr {
  IpAddr addr;
  int prefix = 0;
  bool contains(const IpAddr& ip) const;
};
bool parse_cidr(std::string_view text, Cidr& out);  // "10.0.0.0/8", or a bare address (/32, /128)

struct Value {
  std::string_view s;  // String
  int64_t i = 0;       // Int, Bool (0/1)
  IpAddr ip;           // Ip, Net
};

constexpr int kMaxAncestors = 64;

// Everything one evaluation needs, built per event by the caller of RuleSet::match. Buffers keep
// their capacity between events (the rule set keeps one Env per thread), so the steady state does
// not allocate.
struct Env {
  const Event* ev = nullptr;
  const EvalContext* ctx = nullptr;

  void reset(const Event& e, const EvalContext& c, size_t memo_slots = 0) {
    ev = &e;
    ctx = &c;
    if (memo_epoch.size() < memo_slots) {
      memo_epoch.resize(memo_slots, 0);
      memo_value.resize(memo_slots, 0);
    }
    if (++epoch == 0) {  // wrapped: forget every slot rather than trust a stale epoch
      std::fill(memo_epoch.begin(), memo_epoch.end(), 0);
      epoch = 1;
    }
    ancestors_resolved = 0;
    ancestors_done = false;
    self_resolved = false;
    cmdline_ready = args_ready = false;
    client_ip_state = server_ip_state = 0;
  }

  // Ancestor 1 is the parent, 2 the grandparent...; nullptr when unknown or beyond the tree.
  const ProcessInfo* ancestor(int level);
  const ProcessInfo* self();
  std::string_view cmdline();  // memoised: many rules test it
  std::string_view args();

  std::array<const ProcessInfo*, kMaxAncestors + 1> ancestors{};
  int ancestors_resolved = 0;
  bool ancestors_done = false;
  const ProcessInfo* self_info = nullptr;
  bool self_resolved = false;
  std::string cmdline_buf, args_buf;
  bool cmdline_ready = false, args_ready = false;
  // Macro results memoised for the current event (a macro like `container` or `open_read` is
  // shared by many rules): slot i holds a value when memo_epoch[i] == epoch.
  std::vector<uint32_t> memo_epoch;
  std::vector<uint8_t> memo_value;
  uint32_t epoch = 0;
  // Connection addresses parsed once per event: 0 = not yet, 1 = parsed, 2 = none.
  IpAddr client_ip, server_ip;
  uint8_t client_ip_state = 0, server_ip_state = 0;
  std::string lhs_buf, rhs_buf, tmp_buf;  // scratch for computed strings, one per side of a check
};

struct BoundField;
// Writes value number `index` of the field (fields like proc.aname without an index or fd.ip
// have several; a check is true when any value passes). Returns false when there is no such
// value: the field does not apply to this event or its data is unknown.
using ExtractFn = bool (*)(const BoundField& f, Env& env, uint32_t index, Value& out, std::string& buf);

struct BoundField {
  std::string name;  // as written, for outputs and messages
  ValueType type = ValueType::String;
  ExtractFn extract = nullptr;
  int64_t num = 0;                        // a numeric argument ([2])
  std::string str;                        // a text argument (evt.arg.flags, container.label[x])
  std::vector<std::string> transformers;  // applied innermost first (stored outermost first)

  // Runs extract() then the transformers; transformers turn the value into a string.
  bool get(Env& env, uint32_t index, Value& out, std::string& buf) const;
};

// Binds a field as written; throws moat::Error("<where>: unknown field ...") when Falco has no such
// field or the argument does not fit it.
BoundField bind_field(const FieldRef& ref, const std::string& where);

// Falco's evt.type names and our event types: a bit set over EventType.
using TypeMask = uint64_t;
constexpr TypeMask kAllTypes = (TypeMask{1} << kEventTypeCount) - 1;
inline TypeMask type_bit(EventType t) { return TypeMask{1} << static_cast<int>(t); }
// The event types a Falco syscall name stands for (execveat -> Exec); 0 for syscalls we never see.
TypeMask types_for_syscall(std::string_view name);
// The name Falco prints for our event type (Exec -> execve).
std::string_view syscall_name(EventType t);

// A value rendered the way Falco prints it in an output line ("<NA>" when absent).
void render_value(const BoundField& f, const Value& v, std::string& out);

}  // namespace moat::runtime::falco
