#include "cli/agent_commands.h"

#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <iostream>
#include <memory>

#include "base/files.h"
#include "runtime/agent.h"
#include "runtime/default_rules.h"
#include "runtime/falco_rules.h"

namespace moat::cli {

namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};

void on_stop(int) { g_stop = true; }
void on_reload(int) { g_reload = true; }

void install_signal_handlers() {
  struct sigaction sa {};
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = on_stop;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  sa.sa_handler = on_reload;
  sigaction(SIGHUP, &sa, nullptr);
}

}  // namespace

void add_agent_commands(CLI::App& app) {
  auto o = std::make_shared<runtime::AgentOptions>();
  auto no_defaults = std::make_shared<bool>(false);
  auto ring_mb = std::make_shared<size_t>(16);
  auto* agent = app.add_subcommand("agent", "watch every container on this host through eBPF and alert on attacks");
  agent->add_option("-r,--rules", o->rule_files, "Falco-format rule file, loaded after moat's defaults (repeatable)");
  agent->add_flag("--no-default-rules", *no_defaults, "run only the given rule files");
  agent->add_option("-o,--output", o->outputs, "stdout, syslog, file:PATH or webhook:URL (repeatable; default stdout)");
  agent->add_option("--alert-rate", o->alert_rate, "alerts per second on average (default 100)");
  agent->add_option("--alert-burst", o->alert_burst, "alerts at once before the rate applies (default 1000)");
  agent->add_option("--engine-socket", o->engine_socket, "Docker-compatible API socket for container names (default /var/run/docker.sock)");
  agent->add_option("--ring-buffer-mb", *ring_mb, "kernel ring buffer size in MiB, a power of two (default 16)");
  agent->add_flag("--all-opens", o->sensor.all_opens, "report every successful open, not only writes and reads of sensitive paths");
  agent->callback([o, no_defaults, ring_mb] {
    o->default_rules = !*no_defaults;
    o->sensor.ring_buffer_bytes = *ring_mb << 20;
    runtime::Agent agent(*o);  // rules and outputs first: errors before anything attaches
    install_signal_handlers();
    agent.run(g_stop, g_reload);
  });

  auto files = std::make_shared<std::vector<std::string>>();
  auto* rules = app.add_subcommand("rules", "runtime rule files");
  rules->require_subcommand(1);
  auto* check = rules->add_subcommand("check", "load and compile rule files as the agent would, on top of moat's defaults");
  check->add_option("files", *files, "Falco-format rule files")->required();
  check->callback([files] {
    runtime::falco::RuleSet set;
    set.load(runtime::default_rules_text(), runtime::kDefaultRulesName);
    for (const auto& f : *files) set.load(read_file(f, 16ull << 20), f);
    set.compile();
    for (const auto& w : set.warnings()) std::cerr << "moat: warning: " << w << '\n';
    std::cout << set.rules().size() << " rules (" << set.compiled_rule_count() << " enabled), " << set.macro_count()
              << " macros, " << set.list_count() << " lists\n";
  });
}

}  // namespace moat::cli
