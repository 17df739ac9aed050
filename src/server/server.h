// src/server/server.h: the process: listeners, workers, signals, reload and shutdown.
#pragma once

#include <signal.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "server/listener_role.h"
#include "server/worker.h"

namespace ringwall::server {

class Server {
public:
    // `config_path` is empty when running the bundled default configuration.
    Server(std::string config_path, std::shared_ptr<const config::Config> config);
    ~Server();

    // Opens listeners, starts workers, handles signals until shutdown. Returns the exit code.
    int run();

private:
    struct ListenerGroup {
        std::string address;     // the configured text, e.g. "127.0.0.1:0"
        std::string bound;       // what it resolved to, e.g. "127.0.0.1:40123"
        std::vector<int> fds;    // one per worker
    };

    // Opens one socket per worker for every listener not already open. Returns "" or why not.
    std::string open_listeners(const config::Config& config, std::map<std::string, ListenerGroup>& groups);
    std::vector<ListenSocket> sockets_for(unsigned worker, const std::map<std::string, ListenerGroup>& groups) const;
    void apply_log_settings(const config::Config& config);
    void reload();
    void shutdown(const sigset_t& signals, std::chrono::milliseconds deadline, const char* why);

    std::string config_path_;
    std::shared_ptr<const config::Config> config_;
    unsigned worker_count_ = 1;
    std::map<std::string, ListenerGroup> listeners_;
    ListenerRoles roles_;
    std::vector<std::unique_ptr<Worker>> workers_;
};

// Key of each configured listener: its address, numbered when repeated.
std::vector<std::string> listener_keys(const config::Config& config);

// Worker count for `configured` (0: one per CPU this process may run on).
unsigned effective_workers(std::uint32_t configured);

}  // namespace ringwall::server
