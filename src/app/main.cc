// parleyd: the parley server. See README.md and config/parley.example.toml.
#include <signal.h>
#include <sys/resource.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <thread>

#include "core/thread_name.h"
#include "app/app.h"
#include "app/config.h"

int main(int argc, char** argv) {
  using namespace parley;
  CLI::App cli{"parleyd - the parley messaging server"};
  std::string config_path, listen, data_dir, port_file;
  std::vector<std::string> overrides;
  cli.add_option("--config", config_path, "TOML config file (see config/parley.example.toml)")->check(CLI::ExistingFile);
  cli.add_option("--listen", listen, "HOST:PORT to listen on (default 127.0.0.1:8080; port 0 = any)");
  cli.add_option("--data-dir", data_dir, "directory of the embedded store (default ./parley-data)");
  cli.add_option("--set", overrides, "override a config key: section.key=value (repeatable)");
  cli.add_option("--port-file", port_file, "write the bound port to this file once listening");
  CLI11_PARSE(cli, argc, argv);

  auto logger = spdlog::stderr_color_mt("parleyd");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  app::Config config;
  if (!config_path.empty()) {
    auto loaded = app::load_config_file(config_path);
    if (!loaded) {
      std::cerr << "parleyd: bad config: " << loaded.status().message() << "\n";
      return 2;
    }
    config = *loaded;
  }
  for (const auto& o : overrides) {
    if (auto st = app::apply_override(config, o); !st.ok()) {
      std::cerr << "parleyd: " << st.message() << "\n";
      return 2;
    }
  }
  if (!listen.empty()) {
    if (auto st = app::apply_override(config, "server.listen=" + listen); !st.ok()) {
      std::string why = st.message();  // "--set: 'server.listen' must be HOST:PORT"
      std::cerr << "parleyd: --listen: " << why.substr(why.find('\'')) << "\n";
      return 2;
    }
  }
  if (!data_dir.empty()) config.store.data_dir = data_dir;
  if (auto problems = app::validate(config); !problems.empty()) {
    for (const auto& p : problems) std::cerr << "parleyd: bad config: " << p << "\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(config.log.level));

  // Block the stop signals in every thread; this thread waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // Every connection is a file descriptor: use all the process may have.
  if (rlimit rl{}; getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }

  app::App server(config);
  // The stop signal may come while start() still waits for PostgreSQL or NATS.
  int sig = 0;
  std::thread signals([&] {
    parley::set_thread_name("signals");
    sigwait(&stop_signals, &sig);
    server.request_stop();
  });
  if (auto st = server.start(); !st.ok()) {
    std::cerr << "parleyd: " << st.message() << "\n";
    pthread_kill(signals.native_handle(), SIGTERM);  // release the waiting thread
    signals.join();
    return 1;
  }
  if (!port_file.empty()) {
    std::string tmp = port_file + ".tmp";
    std::ofstream(tmp) << server.port() << "\n";
    std::rename(tmp.c_str(), port_file.c_str());
  }
  signals.join();
  spdlog::info("app: received {}", sig == SIGINT ? "SIGINT" : "SIGTERM");
  server.stop();
  return 0;
}
