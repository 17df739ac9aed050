// src/server/worker.h: a worker thread: its reactor, listeners and connections.
#pragma once

#include <atomic>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http1/request_parser.h"
#include "io/acceptor.h"
#include "io/reactor.h"
#include "proxy/pipeline.h"
#include "proxy/static_files.h"
#include "proxy/upstream_group.h"
#include "server/access_log.h"
#include "server/date_cache.h"
#include "server/listener_role.h"

namespace ringwall::server {

class Http1Connection;

// A listening socket this worker accepts on; `key` names the configured address.
struct ListenSocket {
    std::string key;
    int fd = -1;
    std::shared_ptr<const ListenerRole> role;
};

// Shared-nothing: everything below is touched only by the worker's own thread, except the
// post_* calls, which hand work over through the reactor's mailbox.
class Worker {
public:
    // `worker_count`: how many workers share the process-wide budgets (the file cache).
    Worker(unsigned index, unsigned worker_count, std::shared_ptr<const proxy::Pipeline> pipeline,
           std::vector<ListenSocket> listeners);
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;
    ~Worker();

    // Starts the thread; the future holds "" once the reactor runs, or why it could not.
    std::future<std::string> start();
    void join();
    // Thread-safe: the worker's loop has ended (drained, or failed).
    bool has_stopped() const noexcept { return stopped_.load(std::memory_order_acquire); }

    // Thread-safe. New requests use `pipeline`; accepting follows `listeners` (sockets whose
    // key is gone are closed, new keys start accepting).
    void post_reload(std::shared_ptr<const proxy::Pipeline> pipeline, std::vector<ListenSocket> listeners);
    // Thread-safe. Stop accepting, finish in-flight requests, close idle connections; after
    // `deadline_ms`, cut whatever is left. The thread ends when no connection remains.
    void post_drain(std::uint64_t deadline_ms);

    // Worker thread only.
    io::Reactor& reactor() noexcept { return *reactor_; }
    const std::shared_ptr<const proxy::Pipeline>& pipeline() const noexcept { return pipeline_; }
    std::string_view date_line() { return dates_.field_line(); }
    void link(Http1Connection& connection) noexcept;
    void unlink(Http1Connection& connection) noexcept;
    void count_rejected() noexcept { ++rejected_; }
    AccessLog& access_log() noexcept { return access_log_; }
    // Parsers are lent to connections while they read a request, so that idle connections
    // hold none. Built with the current snapshot's limits.
    std::unique_ptr<http1::RequestParser> take_parser();
    void return_parser(std::unique_ptr<http1::RequestParser> parser, const proxy::Pipeline* built_for) noexcept;
    // This worker's upstream pools and balancing state for `pipeline`, made on first use.
    // A request holds the pointer until it ends, so a reload never pulls pools from under
    // it; the previous set's idle connections close when a new snapshot's set is made.
    std::shared_ptr<proxy::UpstreamSet> upstreams_for(const std::shared_ptr<const proxy::Pipeline>& pipeline);
    // This worker's file cache and static-file state for `pipeline`, made on first use and
    // replaced on reload (the cache goes with its snapshot). Held by a request until it ends.
    const std::shared_ptr<proxy::StaticFiles>& static_files_for(const std::shared_ptr<const proxy::Pipeline>& pipeline);

private:
    class DrainDeadline;
    void thread_main(std::promise<std::string> started);
    void start_listener(const ListenSocket& socket);
    io::Task<void> stop_listener(std::unique_ptr<io::Acceptor> acceptor);
    void on_accept(int fd, const std::string& key);
    void apply_listeners(std::vector<ListenSocket> listeners);
    void drain(std::uint64_t deadline_ms);
    void abort_all() noexcept;

    unsigned index_;
    unsigned worker_count_;
    std::shared_ptr<const proxy::Pipeline> pipeline_;
    std::vector<ListenSocket> initial_listeners_;
    std::unique_ptr<io::Reactor> reactor_;
    std::map<std::string, std::unique_ptr<io::Acceptor>> acceptors_;
    // What each listener speaks; replaced on reload, so new connections get new certificates.
    std::map<std::string, std::shared_ptr<const ListenerRole>> roles_;
    std::unique_ptr<DrainDeadline> drain_deadline_;
    std::vector<std::unique_ptr<http1::RequestParser>> spare_parsers_;
    // Declared after reactor_: destroyed first, on whichever thread destroys the Worker,
    // so thread_main resets it on the worker thread once the loop has ended.
    std::shared_ptr<proxy::UpstreamSet> upstreams_;
    std::shared_ptr<proxy::StaticFiles> static_files_;
    DateCache dates_;
    AccessLog access_log_;
    Http1Connection* live_ = nullptr;
    std::uint32_t connections_ = 0;
    std::uint64_t rejected_ = 0;
    std::uint64_t refused_ = 0;
    std::uint64_t accept_errors_ = 0;
    std::uint64_t next_accept_error_log_ms_ = 0;
    bool draining_ = false;
    std::atomic<bool> stopped_{false};
    std::thread thread_;
};

}  // namespace ringwall::server
