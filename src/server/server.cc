// src/server/server.cc: process lifecycle driven by signals, in the way nginx operators expect.
#include "server/server.h"

#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "io/socket_address.h"
#include "proxy/pipeline.h"
#include "server/access_log.h"
#include "server/sd_notify.h"
#include "util/log.h"

namespace ringwall::server {

unsigned effective_workers(std::uint32_t configured) {
    if (configured > 0) {
        return configured;
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0) {
        return static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
    }
    return 1;
}

Server::Server(std::string config_path, std::shared_ptr<const config::Config> config)
    : config_path_(std::move(config_path)), config_(std::move(config)) {}

Server::~Server() {
    for (auto& [key, group] : listeners_) {
        for (int fd : group.fds) {
            ::close(fd);
        }
    }
}

std::vector<std::string> listener_keys(const config::Config& config) {
    // Several "127.0.0.1:0" listeners are several sockets: number repeated addresses.
    std::vector<std::string> keys;
    std::map<std::string, int> seen;
    for (const config::Listener& listener : config.listeners) {
        keys.push_back(listener.address + "#" + std::to_string(seen[listener.address]++));
    }
    return keys;
}

std::string Server::open_listeners(const config::Config& config, std::map<std::string, ListenerGroup>& groups) {
    const std::vector<std::string> keys = listener_keys(config);
    for (std::size_t index = 0; index < config.listeners.size(); ++index) {
        const config::Listener& listener = config.listeners[index];
        const std::string& key = keys[index];
        if (listeners_.contains(key) || groups.contains(key)) {
            continue;
        }
        std::optional<io::SocketAddress> address = io::make_address(listener.host, listener.port);
        if (!address) {
            return "listener " + listener.address + ": not a numeric address";
        }
        ListenerGroup group{.address = listener.address, .bound = {}, .fds = {}};
        for (unsigned i = 0; i < worker_count_; ++i) {
            const int fd = io::open_listener(*address, static_cast<int>(listener.backlog));
            if (fd < 0) {
                for (int open_fd : group.fds) {
                    ::close(open_fd);
                }
                return "cannot listen on " + listener.address + ": " + std::strerror(-fd);
            }
            if (i == 0 && address->port() == 0) {
                // Port 0: the first socket picks the port, the other workers join it there.
                address->set_port(io::local_address(fd)->port());
            }
            group.fds.push_back(fd);
        }
        group.bound = address->to_string();
        groups.emplace(key, std::move(group));
    }
    return "";
}

std::vector<ListenSocket> Server::sockets_for(unsigned worker, const std::map<std::string, ListenerGroup>& groups) const {
    std::vector<ListenSocket> out;
    for (const auto& [key, group] : groups) {
        const auto role = roles_.by_key.find(key);
        out.push_back(ListenSocket{key, group.fds[worker],
                                   role != roles_.by_key.end() ? role->second : std::make_shared<const ListenerRole>()});
    }
    return out;
}

void Server::apply_log_settings(const config::Config& config) {
    util::LogLevel level = util::LogLevel::info;
    util::parse_log_level(config.log.level, level);
    if (std::string error = util::Log::open(config.log.error_log, level); !error.empty()) {
        RINGWALL_LOG(error, error);
    }
    if (std::string error = AccessLogFile::open(config.log.access_log); !error.empty()) {
        RINGWALL_LOG(error, error);
    }
}

int Server::run() {
    apply_log_settings(*config_);
    worker_count_ = effective_workers(config_->workers);

    sigset_t signals;
    sigemptyset(&signals);
    for (int sig : {SIGHUP, SIGQUIT, SIGTERM, SIGINT, SIGUSR1}) {
        sigaddset(&signals, sig);
    }
    // Blocked before any thread starts, so every thread inherits the mask and only
    // sigwaitinfo below ever sees these signals.
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    ::signal(SIGPIPE, SIG_IGN);

    roles_ = build_listener_roles(*config_);
    if (!roles_.error.empty()) {
        RINGWALL_LOG(error, config_->source + ": " + roles_.error);
        return 1;
    }
    auto pipeline = std::make_shared<const proxy::Pipeline>(config_);
    if (!pipeline->setup_error().empty()) {
        RINGWALL_LOG(error, config_->source + ": " + pipeline->setup_error());
        return 1;
    }
    if (std::string error = open_listeners(*config_, listeners_); !error.empty()) {
        RINGWALL_LOG(error, error);
        return 1;
    }
    if (std::any_of(config_->listeners.begin(), config_->listeners.end(),
                    [](const config::Listener& l) { return l.tls.has_value(); }) &&
        !kernel_tls_available()) {
        RINGWALL_LOG(info, "kernel TLS is not available (no \"tls\" in net.ipv4.tcp_available_ulp); "
                           "records are encrypted in user space");
    }
    std::vector<std::future<std::string>> started;
    for (unsigned i = 0; i < worker_count_; ++i) {
        workers_.push_back(std::make_unique<Worker>(i, worker_count_, pipeline, sockets_for(i, listeners_)));
        started.push_back(workers_.back()->start());
    }
    for (auto& result : started) {
        if (std::string error = result.get(); !error.empty()) {
            RINGWALL_LOG(error, error);
            if (config_->log.error_log != "stderr") {
                std::fprintf(stderr, "ringwall: %s\n", error.c_str());
            }
            // Other workers may be running already; nothing has been served, so leave now
            // rather than drain.
            std::_Exit(1);
        }
    }
    for (const auto& [key, group] : listeners_) {
        RINGWALL_LOG(info, "listening on " + group.bound);
    }
    RINGWALL_LOG(info, "ringwall started: " + std::to_string(worker_count_) + " workers, configuration " +
                           config_->source);
    sd_notify("READY=1\nSTATUS=serving");

    for (;;) {
        siginfo_t info{};
        const int sig = ::sigwaitinfo(&signals, &info);
        if (sig == SIGHUP) {
            reload();
        } else if (sig == SIGUSR1) {
            std::string error = util::Log::reopen();
            if (error.empty()) {
                error = AccessLogFile::reopen();
            }
            if (!error.empty()) {
                RINGWALL_LOG(error, "reopening logs failed: " + error);
            } else {
                RINGWALL_LOG(info, "log files reopened");
            }
        } else if (sig == SIGQUIT) {
            shutdown(signals, config_->timeouts.graceful_shutdown, "SIGQUIT: graceful shutdown");
            return 0;
        } else if (sig == SIGTERM || sig == SIGINT) {
            shutdown(signals, config_->timeouts.shutdown,
                     sig == SIGTERM ? "SIGTERM: shutting down" : "SIGINT: shutting down");
            return 0;
        }
    }
}

void Server::reload() {
    sd_notify("RELOADING=1");
    config::LoadResult loaded = config_path_.empty()
                                    ? config::load_string(config::bundled_default_text(), "<default>")
                                    : config::load_file(config_path_);
    if (!loaded.config) {
        for (const config::Diagnostic& d : loaded.errors) {
            RINGWALL_LOG(error, "reload failed: " + d.to_string());
        }
        RINGWALL_LOG(error, "reload failed: keeping the running configuration");
        sd_notify("READY=1");
        return;
    }
    if (effective_workers(loaded.config->workers) != worker_count_) {
        RINGWALL_LOG(warn, "reload: a new worker count takes effect at the next restart");
    }
    ListenerRoles roles = build_listener_roles(*loaded.config);
    if (!roles.error.empty()) {
        RINGWALL_LOG(error, "reload failed: " + loaded.config->source + ": " + roles.error +
                                "; keeping the running configuration");
        sd_notify("READY=1");
        return;
    }
    auto pipeline = std::make_shared<const proxy::Pipeline>(loaded.config);
    if (!pipeline->setup_error().empty()) {
        RINGWALL_LOG(error, "reload failed: " + loaded.config->source + ": " + pipeline->setup_error() +
                                "; keeping the running configuration");
        sd_notify("READY=1");
        return;
    }
    std::map<std::string, ListenerGroup> added;
    if (std::string error = open_listeners(*loaded.config, added); !error.empty()) {
        for (auto& [key, group] : added) {
            for (int fd : group.fds) {
                ::close(fd);
            }
        }
        RINGWALL_LOG(error, "reload failed: " + error + "; keeping the running configuration");
        sd_notify("READY=1");
        return;
    }
    // Listeners no longer configured are closed by their workers; forget them here.
    const std::vector<std::string> keys = listener_keys(*loaded.config);
    for (auto it = listeners_.begin(); it != listeners_.end();) {
        const bool kept = std::find(keys.begin(), keys.end(), it->first) != keys.end();
        it = kept ? std::next(it) : listeners_.erase(it);
    }
    for (auto& [key, group] : added) {
        RINGWALL_LOG(info, "listening on " + group.bound);
        listeners_.emplace(key, std::move(group));
    }
    config_ = loaded.config;
    roles_ = std::move(roles);
    apply_log_settings(*config_);
    for (unsigned i = 0; i < workers_.size(); ++i) {
        workers_[i]->post_reload(pipeline, sockets_for(i, listeners_));
    }
    RINGWALL_LOG(info, "configuration reloaded from " + config_->source);
    sd_notify("READY=1");
}

void Server::shutdown(const sigset_t& signals, std::chrono::milliseconds deadline, const char* why) {
    sd_notify("STOPPING=1");
    RINGWALL_LOG(info, std::string(why) + " (deadline " + std::to_string(deadline.count()) + "ms)");
    for (auto& worker : workers_) {
        worker->post_drain(static_cast<std::uint64_t>(deadline.count()));
    }
    // Keep listening to signals while draining: TERM or INT during a graceful (QUIT) drain
    // shortens the deadline, as operators expect when a drain takes too long.
    const timespec poll_interval{0, 100'000'000};
    for (;;) {
        bool all_stopped = true;
        for (auto& worker : workers_) {
            all_stopped = all_stopped && worker->has_stopped();
        }
        if (all_stopped) {
            break;
        }
        siginfo_t info{};
        const int sig = ::sigtimedwait(&signals, &info, &poll_interval);
        if ((sig == SIGTERM || sig == SIGINT) && deadline > config_->timeouts.shutdown) {
            deadline = config_->timeouts.shutdown;
            RINGWALL_LOG(info, "shutdown deadline shortened to " + std::to_string(deadline.count()) + "ms");
            for (auto& worker : workers_) {
                worker->post_drain(static_cast<std::uint64_t>(deadline.count()));
            }
        }
    }
    for (auto& worker : workers_) {
        worker->join();
    }
    // Workers closed their listening sockets while draining.
    listeners_.clear();
    RINGWALL_LOG(info, "ringwall stopped");
}

}  // namespace ringwall::server
