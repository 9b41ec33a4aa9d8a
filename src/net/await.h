// Bridges callback-style domain APIs into C++20 coroutines: the callback may run on any
// thread; the coroutine resumes on its own executor (its connection's io thread).
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>
#include <type_traits>

namespace parley::net {

// `start` receives a std::function<void(T)> to call exactly once with the result.
template <class T, class Start>
boost::asio::awaitable<T> await_callback(Start start) {
  namespace asio = boost::asio;
  return asio::async_initiate<decltype(asio::use_awaitable), void(T)>(
      [start = std::move(start)](auto handler) mutable {
        using Handler = decltype(handler);
        auto h = std::make_shared<Handler>(std::move(handler));
        auto ex = asio::get_associated_executor(*h);
        start(std::function<void(T)>([h, ex](T value) mutable {
          asio::post(ex, [h, v = std::make_shared<T>(std::move(value))]() mutable { std::move(*h)(std::move(*v)); });
        }));
      },
      asio::use_awaitable);
}

// Runs a copy of `work` on `executor` (a query pool's strand: work that may wait on the
// store) and resumes the calling coroutine on its own executor with what it returned.
// Pass a named lambda, not a temporary: g++ 12 destroys the captures of a temporary lambda
// twice when it is part of a co_await expression (seen as a double free under ASan).
template <class Executor, class Work>
boost::asio::awaitable<std::invoke_result_t<Work&>> await_on(const Executor& executor, const Work& work) {
  using T = std::invoke_result_t<Work&>;
  return await_callback<T>([executor, work](std::function<void(T)> done) mutable {
    boost::asio::post(executor, [work = std::move(work), done = std::move(done)]() mutable { done(work()); });
  });
}

}  // namespace parley::net
