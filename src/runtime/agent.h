#pragma once
// The runtime agent: the eBPF sensor's events, attributed to their process tree and container,
// through the rules (moat's defaults plus the user's Falco-format files), to the alert outputs.
// One thread runs the event loop; rules reload on request (SIGHUP) keeping the previous set when
// the new one is broken; stopping (SIGTERM) detaches every program.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runtime/sensor.h"

namespace moat::runtime {

struct AgentOptions {
  std::vector<std::string> rule_files;  // loaded in order after moat's defaults
  bool default_rules = true;
  // "stdout", "file:PATH", "syslog" or "webhook:URL"; at least one.
  std::vector<std::string> outputs{"stdout"};
  double alert_rate = 100, alert_burst = 1000;  // alerts per second, on average and at once
  std::string engine_socket = "/var/run/docker.sock";
  SensorOptions sensor;
  std::chrono::milliseconds metadata_wait{300};  // an alert waits at most this long for a new container's name
  std::function<void(const std::string&)> log;   // status and warnings; stderr when empty
};

struct AgentStats {
  uint64_t events = 0, alerts = 0, rate_limited = 0, output_failures = 0;
  uint64_t drops = 0, decode_errors = 0;  // from the sensor
  uint64_t reloads = 0, failed_reloads = 0;
};

class Agent {
 public:
  // Loads and compiles the rules and opens the outputs before the sensor: a broken rule file or an
  // unwritable output fails here (moat::Error with file and line), with nothing attached yet.
  explicit Agent(AgentOptions options);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Attaches the sensor and processes events until `stop` becomes true (checked at least every
  // 100 ms). When `reload` becomes true it is reset, the rule files are read again and the outputs
  // reopened.
  void run(const std::atomic<bool>& stop, std::atomic<bool>& reload);

  AgentStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace moat::runtime
