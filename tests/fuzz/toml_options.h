// Forced into fuzz_config's compilation of src/app/config.cc (tests/fuzz/CMakeLists.txt):
// toml++ header-only, so its parser is instrumented, and without its internal assertions,
// as in the shared library parleyd links. toml++ 3.3.0 fails some of them on bad input
// (fixed upstream: marzer/tomlplusplus pull request 301), where parleyd reports a parse
// error; the fuzzer is here for parley's loader, not for those.
#pragma once

#define TOML_HEADER_ONLY 1
#define TOML_ASSERT(expr) ((void)0)
