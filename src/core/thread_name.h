// Names the calling thread for top -H, perf and gdb (Linux keeps the first 15 bytes).
#pragma once

#include <pthread.h>

#include <string>

namespace parley {

inline void set_thread_name(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace parley
