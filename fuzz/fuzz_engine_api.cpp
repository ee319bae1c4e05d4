// libFuzzer target: the Engine API decoders (container inspect, image inspect, event lines) and
// the HTTP response parser return or throw moat::Error on any input. The first byte picks the
// decoder so one corpus covers them all; the HTTP parser is fed in pieces of that byte's size.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "runtime/engine_api.h"
#include "runtime/engine_api_http.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (selector % 5) {
      case 0:
        static_cast<void>(moat::runtime::parse_container_inspect(input, "fuzz"));
        break;
      case 1:
        static_cast<void>(moat::runtime::parse_image_digest(input, "localhost/x:y", "fuzz"));
        break;
      case 2:
        static_cast<void>(moat::runtime::parse_engine_event(input, "fuzz"));
        break;
      case 3:
        static_cast<void>(moat::runtime::split_image_reference(input));
        break;
      default: {
        moat::runtime::HttpResponseParser::Limits limits;
        limits.max_body_bytes = 4096;
        limits.max_header_bytes = 1024;
        limits.body_is_stream = (selector & 0x80) != 0;
        size_t body = 0;
        moat::runtime::HttpResponseParser parser("fuzz", limits, [&](std::string_view b) { body += b.size(); });
        const size_t step = 1 + (selector >> 3);
        for (size_t i = 0; i < input.size(); i += step) parser.feed(input.substr(i, step));
        parser.finish();
        if (!limits.body_is_stream && body > limits.max_body_bytes) __builtin_trap();
        break;
      }
    }
  } catch (const moat::Error&) {
  }
  return 0;
}
