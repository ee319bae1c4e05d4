#include "runtime/agent.h"

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "base/error.h"
#include "base/files.h"
#include "runtime/alert_sink.h"
#include "runtime/container_resolver.h"
#include "runtime/default_rules.h"
#include "runtime/engine_api_cache.h"
#include "runtime/falco_rules.h"
#include "runtime/process_table.h"

namespace moat::runtime {

namespace {

constexpr uint64_t kMaxRuleFile = 16ull << 20;
constexpr size_t kMaxAttributionCache = 65536;
constexpr size_t kMaxContainers = 4096;  // as many as the engine metadata cache keeps

falco::RuleSet load_rules(const AgentOptions& o) {
  falco::RuleSet rules;
  if (o.default_rules) rules.load(default_rules_text(), kDefaultRulesName);
  for (const auto& f : o.rule_files) rules.load(read_file(f, kMaxRuleFile), f);
  rules.compile();
  if (rules.compiled_rule_count() == 0) fail("rules", "no enabled rule to run");
  return rules;
}

std::unique_ptr<AlertSink> open_output(const std::string& spec) {
  if (spec == "stdout") return stdout_sink();
  if (spec == "syslog") return syslog_sink();
  if (spec.starts_with("file:")) return file_sink(spec.substr(5));
  if (spec.starts_with("webhook:")) return webhook_sink(spec.substr(8));
  fail("--output " + spec, "expected stdout, syslog, file:PATH or webhook:URL");
}

std::string host_name() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

std::string slurp(const std::string& path, size_t max = 4 << 20) {
  std::ifstream in(path, std::ios::binary);
  std::string out(max, '\0');
  in.read(out.data(), static_cast<std::streamsize>(max));
  out.resize(static_cast<size_t>(in.gcount()));
  return out;
}

// Name and image may be known from the engine's start event before an inspect answered.
ContainerInfo info_from(const ContainerRef& ref, const ContainerMetadata& meta) {
  ContainerInfo c;
  c.id = ref.id.substr(0, 12);
  c.type = std::string(runtime_name(ref.runtime));
  c.name = meta.name;
  c.image = meta.image;
  auto image = split_image_reference(meta.image);
  c.image_repository = image.repository;
  c.image_tag = image.tag;
  c.image_digest = meta.image_digest.empty() ? image.digest : meta.image_digest;
  if (!meta.known) return c;
  c.privileged = meta.privileged;
  for (const auto& [k, v] : meta.labels) c.labels.emplace_back(k, v);
  return c;
}

}  // namespace

struct Agent::Impl {
  AgentOptions options;
  falco::RuleSet rules;
  std::unique_ptr<AlertOutputs> outputs;
  ProcessTable processes;
  ContainerResolver resolver{[] {
    // A new container's first processes often live for milliseconds: their cgroup must be found by a
    // rescan soon after it appears, since /proc may already have forgotten them.
    ContainerResolverOptions r;
    r.cgroups.min_rescan_interval = std::chrono::milliseconds(100);
    return r;
  }()};
  ContainerMetadataCache metadata;
  std::string hostname = host_name();
  PasswdUserLookup host_users{slurp("/etc/passwd"), slurp("/etc/group")};

  // Per cgroup id: the container (or the host), so that each event costs one hash lookup.
  std::unordered_map<uint64_t, std::optional<ContainerRef>> container_of_cgroup;
  struct Known {
    ContainerInfo info;
    bool complete = false;  // the engine answered
    bool waited = false;    // an alert already waited for its name: later ones do not stall the loop
    std::unique_ptr<PasswdUserLookup> users;
  };
  std::unordered_map<std::string, Known> containers;

  mutable std::mutex stats_mu;
  AgentStats counters;
  std::unique_ptr<Sensor> sensor;
  std::vector<const falco::Rule*> matched;
  Event enriched;  // reused: its strings keep their capacity between events

  explicit Impl(AgentOptions o)
      : options(std::move(o)),
        rules(load_rules(options)),
        metadata([&] {
          EngineCacheOptions e;
          e.socket_path = options.engine_socket;
          e.warn = [this](const std::string& w) { log("warning: " + w); };
          return e;
        }()) {
    std::vector<std::unique_ptr<AlertSink>> sinks;
    if (options.outputs.empty()) fail("--output", "at least one output is needed");
    for (const auto& spec : options.outputs) sinks.push_back(open_output(spec));
    outputs = std::make_unique<AlertOutputs>(std::move(sinks), options.alert_rate, options.alert_burst);
  }

  void log(const std::string& line) const {
    if (options.log)
      options.log(line);
    else
      std::cerr << "moat: " << line << '\n';
  }

  // The container an event's process runs in, with what the engine said about it (if anything yet).
  Known* container_for(const Event& ev, bool wait_for_metadata) {
    auto it = container_of_cgroup.find(ev.cgroup_id);
    if (it == container_of_cgroup.end()) {
      // Only an answer from a known cgroup path is final: a cgroup created a moment ago may not be
      // found yet (rescans are rate-limited), and must not be taken for the host from then on.
      std::optional<ContainerRef> ref = resolver.resolve(ev.cgroup_id, ev.pid);
      if (!ref && !resolver.paths().path_of(ev.cgroup_id)) return nullptr;
      if (container_of_cgroup.size() >= kMaxAttributionCache) container_of_cgroup.clear();
      it = container_of_cgroup.emplace(ev.cgroup_id, std::move(ref)).first;
    }
    if (!it->second) return nullptr;
    const ContainerRef& ref = *it->second;
    // A node that churns containers must not grow this without end (each holds its user names).
    if (containers.size() >= kMaxContainers && !containers.count(ref.id)) containers.clear();
    Known& known = containers[ref.id];
    if (!known.complete) {
      // One wait per container, and none while the engine is unreachable: every wait holds up the
      // event loop, and a burst of alerts from one unnamed container must not fill the ring buffer.
      if (wait_for_metadata && !known.waited && metadata.engine_reachable()) {
        known.waited = true;
        metadata.lookup(ref.id);  // queues the fetch
        auto deadline = std::chrono::steady_clock::now() + options.metadata_wait;
        for (;;) {
          auto seen = metadata.peek(ref.id);
          if ((seen && (seen->known || !seen->name.empty())) || std::chrono::steady_clock::now() >= deadline) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
      }
      auto meta = metadata.lookup(ref.id);
      known.info = info_from(ref, meta);
      known.complete = meta.known;
    }
    if (!known.users && ev.pid > 0) {
      // The names inside the container, not the host's: read through the process's root.
      std::string root = "/proc/" + std::to_string(ev.pid) + "/root/etc/";
      known.users = std::make_unique<PasswdUserLookup>(slurp(root + "passwd"), slurp(root + "group"));
    }
    return &known;
  }

  void handle(const Event& raw) {
    processes.apply(raw);
    // Only an exec carries the program's path and arguments; other events borrow them from the
    // process table, as Falco's thread table lends them, so proc.exepath means the same everywhere.
    const Event* evp = &raw;
    if (raw.type != EventType::Exec && raw.exe.empty())
      if (const ProcessInfo* p = processes.find(raw.pid)) {
        enriched = raw;
        enriched.exe = p->exepath;
        enriched.argv.assign(1, p->exe);
        enriched.argv.insert(enriched.argv.end(), p->args.begin(), p->args.end());
        evp = &enriched;
      }
    const Event& ev = *evp;
    Known* container = container_for(ev, false);
    EvalContext ctx;
    ctx.processes = &processes;
    ctx.container = container ? &container->info : nullptr;
    ctx.users = container && container->users ? static_cast<const UserLookup*>(container->users.get()) : &host_users;
    ctx.hostname = hostname;
    matched.clear();
    rules.match(ev, ctx, matched);
    if (!matched.empty() && container && !container->complete) {
      container = container_for(ev, true);  // an alert is worth a short wait for the container's name
      ctx.container = &container->info;
    }
    for (const falco::Rule* rule : matched)
      outputs->publish(rules.alert_json(*rule, ev, ctx), static_cast<int>(rule->priority));
    processes.retire(ev);
    std::lock_guard lock(stats_mu);
    ++counters.events;
    counters.alerts += matched.size();
  }

  void reload() {
    try {
      falco::RuleSet fresh = load_rules(options);
      rules = std::move(fresh);
      std::lock_guard lock(stats_mu);
      ++counters.reloads;
      log("rules reloaded: " + std::to_string(rules.compiled_rule_count()) + " rules");
    } catch (const Error& e) {
      std::lock_guard lock(stats_mu);
      ++counters.failed_reloads;
      log(std::string("rules not reloaded, the previous rules stay: ") + e.what());
    }
    outputs->reopen();
  }
};

Agent::Agent(AgentOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Agent::~Agent() = default;

void Agent::run(const std::atomic<bool>& stop, std::atomic<bool>& reload) {
  Impl& a = *impl_;
  a.processes.scan_proc();
  a.metadata.start();
  a.sensor = Sensor::open(a.options.sensor);
  a.log("watching with " + std::to_string(a.rules.compiled_rule_count()) + " rules");
  uint64_t reported_drops = 0;
  auto last_report = std::chrono::steady_clock::now();
  while (!stop.load()) {
    if (reload.exchange(false)) a.reload();
    a.sensor->poll(100, [&](const Event& ev) { a.handle(ev); });
    // Drops are never silent: a warning whenever more happened, at most every 10 s.
    auto now = std::chrono::steady_clock::now();
    if (now - last_report >= std::chrono::seconds(10)) {
      last_report = now;
      uint64_t drops = a.sensor->stats().drops;
      if (drops > reported_drops) {
        a.log("warning: " + std::to_string(drops - reported_drops) + " events dropped (ring buffer full) in the last 10 s");
        reported_drops = drops;
      }
    }
  }
  auto final_stats = stats();
  a.sensor.reset();  // detaches every program
  a.metadata.stop();
  a.log("stopped: " + std::to_string(final_stats.events) + " events, " + std::to_string(final_stats.alerts) +
        " alerts, " + std::to_string(final_stats.drops) + " dropped");
}

AgentStats Agent::stats() const {
  const Impl& a = *impl_;
  AgentStats s;
  {
    std::lock_guard lock(a.stats_mu);
    s = a.counters;
  }
  auto out = a.outputs->stats();
  s.rate_limited = out.rate_limited;
  s.output_failures = out.failed;
  if (a.sensor) {
    auto sensor = a.sensor->stats();
    s.drops = sensor.drops;
    s.decode_errors = sensor.decode_errors;
  }
  return s;
}

}  // namespace moat::runtime
