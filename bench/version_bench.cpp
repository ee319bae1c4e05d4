// Version comparison throughput: matching 10,000 packages against their advisories means a few
// comparisons per package (introduced, fixed, last_affected), so 30,000 compares must stay far
// below 200 ms. Build and run: see bench/README.md.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "version/version.h"

namespace {

using moat::version::Scheme;

struct Pair {
  std::string a, b;
};

std::vector<Pair> pairs_for(Scheme s) {
  std::vector<Pair> out;
  for (int i = 0; i < 10000; ++i) {
    std::string n = std::to_string(i % 97);
    switch (s) {
      case Scheme::Dpkg: out.push_back({"1:2." + n + ".1-3+deb12u" + n, "1:2." + n + ".1-3+deb12u7"}); break;
      case Scheme::Apk: out.push_back({"3.1." + n + "_rc2-r" + n, "3.1." + n + "-r4"}); break;
      case Scheme::Rpm: out.push_back({"1:3.0." + n + "-25.el9_3", "1:3.0." + n + "-24.el9"}); break;
      case Scheme::Semver: out.push_back({"4.17." + n + "-beta.2+build", "4.17." + n}); break;
      case Scheme::Go: out.push_back({"v0." + n + ".1-0.20230101120000-abcdef123456", "v0." + n + ".1"}); break;
      case Scheme::Pep440: out.push_back({"2." + n + ".0rc1.post2", "2." + n + ".0"}); break;
      case Scheme::Gem: out.push_back({"7.0." + n + ".rc1", "7.0." + n}); break;
      case Scheme::Composer: out.push_back({"5.4." + n + "-beta2", "5.4." + n}); break;
      case Scheme::Maven: out.push_back({"2.13." + n + ".Final", "2.13." + n + "-SNAPSHOT"}); break;
    }
  }
  return out;
}

void BM_Compare10k(benchmark::State& state) {
  auto scheme = static_cast<Scheme>(state.range(0));
  std::vector<Pair> pairs = pairs_for(scheme);
  for (auto _ : state) {
    int sum = 0;
    for (const Pair& p : pairs) sum += moat::version::compare(scheme, p.a, p.b);
    benchmark::DoNotOptimize(sum);
  }
  state.SetLabel(std::string(moat::version::scheme_name(scheme)));
}

BENCHMARK(BM_Compare10k)->DenseRange(0, 8)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
