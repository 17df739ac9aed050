// src/proxy/active_checker.cc: the health-check coroutine and its shared state.
#include "proxy/active_checker.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <coroutine>
#include <cstring>

#include "http1/response_parser.h"
#include "io/ops.h"
#include "io/recv_stream.h"
#include "util/log.h"

namespace ringwall::proxy {

std::string health_check_request(std::string_view path, std::string_view host) {
    std::string out;
    out.reserve(path.size() + host.size() + 96);
    out += "GET ";
    out += path;
    out += " HTTP/1.1\r\nHost: ";
    out += host;
    out += "\r\nConnection: close\r\nUser-Agent: ringwall-health\r\n\r\n";
    return out;
}

bool health_status_ok(const config::HealthChecks& health, std::uint16_t status) noexcept {
    return status >= health.expected_status_min && status <= health.expected_status_max;
}

// The one timer of a checker: its sleep between checks, and the deadline of each step of a
// check (cancelling the operation or interrupting the receive). stop() makes it fire at
// the next loop turn, so a worker's drain never waits for a checker.
class CheckAlarm final : public io::Timer {
public:
    explicit CheckAlarm(io::Reactor& reactor) noexcept : reactor_(reactor) {}

    struct SleepAwaiter {
        CheckAlarm& alarm;
        std::uint64_t ms;
        bool await_ready() const noexcept { return alarm.stopping_ || ms == 0; }
        void await_suspend(std::coroutine_handle<> waiter) noexcept {
            alarm.mode_ = Mode::wake;
            alarm.waiter_ = waiter;
            alarm.reactor_.arm(alarm, ms);
        }
        void await_resume() const noexcept {}
    };
    SleepAwaiter sleep(std::uint64_t ms) noexcept { return SleepAwaiter{*this, ms}; }

    void watch(const io::Completion* op, std::uint64_t ms) noexcept {
        mode_ = Mode::cancel;
        op_ = op;
        fired = false;
        reactor_.arm(*this, stopping_ ? 0 : ms);
    }
    void watch(io::RecvStream& stream, std::uint64_t ms) noexcept {
        mode_ = Mode::interrupt;
        stream_ = &stream;
        fired = false;
        reactor_.arm(*this, stopping_ ? 0 : ms);
    }
    void done() noexcept {
        disarm();
        mode_ = Mode::idle;
    }

    void stop() noexcept {
        stopping_ = true;
        if (is_armed()) {
            reactor_.arm(*this, 0);
        }
    }

    bool fired = false;

private:
    enum class Mode : std::uint8_t { idle, wake, cancel, interrupt };

    void on_expire() noexcept override {
        const Mode mode = mode_;
        mode_ = Mode::idle;
        switch (mode) {
            case Mode::wake: waiter_.resume(); break;
            case Mode::cancel:
                fired = true;
                reactor_.cancel(op_);
                break;
            case Mode::interrupt:
                fired = true;
                stream_->interrupt();
                break;
            case Mode::idle: break;
        }
    }

    io::Reactor& reactor_;
    Mode mode_ = Mode::idle;
    bool stopping_ = false;
    std::coroutine_handle<> waiter_;
    const io::Completion* op_ = nullptr;
    io::RecvStream* stream_ = nullptr;
};

ActiveChecks::ActiveChecks(std::shared_ptr<const Pipeline> pipeline, const CompiledUpstream& upstream)
    : pipeline_(std::move(pipeline)),
      upstream_(upstream),
      health_(upstream.backends.size(),
              lb::ActiveHealthOptions{.healthy_threshold = upstream.config->health.healthy_threshold,
                                      .unhealthy_threshold = upstream.config->health.unhealthy_threshold,
                                      .start_healthy = true}),
      failures_(upstream.backends.size(), 0),
      alarms_(upstream.backends.size(), nullptr) {}

std::string ActiveChecks::record(std::size_t backend, bool ok, std::string_view detail) {
    if (backend >= health_.size()) {
        return {};
    }
    failures_[backend] = ok ? 0 : failures_[backend] + 1;
    const lb::HealthChange change = health_.record_check(backend, ok);
    const std::string prefix = "upstream " + upstream_.config->name + " backend " + upstream_.backends[backend].key;
    switch (change) {
        case lb::HealthChange::became_unhealthy:
            return prefix + " is unhealthy (" + std::to_string(failures_[backend]) + " failed check" +
                   (failures_[backend] == 1 ? "" : "s") + ": " + std::string(detail) + ")";
        case lb::HealthChange::became_healthy: return prefix + " is healthy again";
        case lb::HealthChange::none: break;
    }
    return {};
}

void ActiveChecks::stop() noexcept {
    stopped_ = true;
    for (CheckAlarm* alarm : alarms_) {
        if (alarm != nullptr) {
            alarm->stop();
        }
    }
}

std::size_t ActiveChecks::running() const noexcept {
    return static_cast<std::size_t>(std::count_if(alarms_.begin(), alarms_.end(),
                                                  [](const CheckAlarm* a) { return a != nullptr; }));
}

void ActiveChecks::start(io::Reactor& reactor, const std::shared_ptr<ActiveChecks>& self) {
    if (self->options().check_path.empty()) {
        return;
    }
    for (std::size_t i = 0; i < self->upstream_.backends.size(); ++i) {
        if (self->upstream_.backends[i].address.has_value()) {
            reactor.spawn(run_health_checks(reactor, self, i));
        }
    }
}

namespace {

struct CheckResult {
    bool ok = false;
    std::string detail;
};

std::uint64_t ms_left(const io::Reactor& reactor, std::uint64_t end_ms) noexcept {
    const std::uint64_t now = reactor.now_ms();
    return end_ms > now ? end_ms - now : 0;
}

// Reads the response head; the connection is ours to close afterwards.
io::Task<CheckResult> read_status(io::Reactor& reactor, io::RecvStream& recv, const ActiveChecks& checks,
                                  CheckAlarm& alarm, std::uint64_t end_ms) {
    const config::Limits& limits = checks.pipeline().config().limits;
    http1::ResponseParser parser(http1::Limits{.max_request_line = limits.max_request_line,
                                               .max_field_size = limits.max_field_size,
                                               .max_header_size = limits.max_header_size,
                                               .max_fields = limits.max_fields,
                                               .max_body_size = 0,
                                               .max_chunk_extension = 1024});
    // Bounded: each round takes a buffer or ends; a head over every limit fails the parser.
    for (int round = 0; round < 1024; ++round) {
        alarm.watch(recv, ms_left(reactor, end_ms));
        io::RecvResult received = co_await recv.next();
        alarm.done();
        if (received.kind == io::RecvResult::Kind::interrupted) {
            co_return CheckResult{.ok = false, .detail = "timed out"};
        }
        if (received.kind != io::RecvResult::Kind::data) {
            co_return CheckResult{.ok = false,
                                  .detail = received.kind == io::RecvResult::Kind::error
                                                ? std::string("read failed: ") + std::strerror(received.error)
                                                : std::string("closed without a response")};
        }
        std::string_view input = received.buffer.bytes();
        for (int step_count = 0; step_count < 64; ++step_count) {
            const http1::Step step = parser.feed(input);
            input.remove_prefix(step.consumed);
            if (step.progress == http1::Progress::need_more) {
                break;
            }
            if (step.progress == http1::Progress::failed) {
                co_return CheckResult{.ok = false, .detail = "invalid response"};
            }
            if (step.progress == http1::Progress::head_done) {
                const std::uint16_t status = parser.head().status;
                if (status >= 200) {
                    co_return CheckResult{.ok = health_status_ok(checks.options(), status),
                                          .detail = std::to_string(status)};
                }
            } else if (step.progress == http1::Progress::message_done) {
                parser.reset();  // after an interim response
            }
        }
    }
    co_return CheckResult{.ok = false, .detail = "no response head"};
}

io::Task<CheckResult> check_once(io::Reactor& reactor, const ActiveChecks& checks, std::size_t backend,
                                 std::string_view request, CheckAlarm& alarm) {
    const CompiledBackend& target = checks.upstream().backends[backend];
    const std::uint64_t end_ms =
        reactor.now_ms() + static_cast<std::uint64_t>(std::max<std::int64_t>(checks.options().check_timeout.count(), 1));
    const int fd = ::socket(target.address->storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        co_return CheckResult{.ok = false, .detail = std::string("socket: ") + std::strerror(errno)};
    }
    {
        io::ConnectOp op(reactor, fd, target.address->get(), target.address->length);
        alarm.watch(&op, ms_left(reactor, end_ms));
        const int result = co_await op;
        const bool fired = alarm.fired;
        alarm.done();
        if (result < 0) {
            ::close(fd);
            co_return CheckResult{.ok = false,
                                  .detail = fired && result == -ECANCELED ? std::string("connect timed out")
                                                                          : std::string("connect failed: ") +
                                                                                std::strerror(-result)};
        }
    }
    std::string_view left = request;
    for (int round = 0; round < 64 && !left.empty(); ++round) {
        io::SendOp op(reactor, fd, left);
        alarm.watch(&op, ms_left(reactor, end_ms));
        const int sent = co_await op;
        alarm.done();
        if (sent <= 0) {
            ::close(fd);
            co_return CheckResult{.ok = false, .detail = "send failed"};
        }
        left.remove_prefix(static_cast<std::size_t>(sent));
    }
    if (!left.empty()) {
        ::close(fd);
        co_return CheckResult{.ok = false, .detail = "send failed"};
    }
    io::RecvStream recv(reactor, fd);
    CheckResult result = co_await read_status(reactor, recv, checks, alarm, end_ms);
    co_await recv.close();
    reactor.close_later(fd);
    co_return result;
}

}  // namespace

io::Task<void> run_health_checks(io::Reactor& reactor, std::shared_ptr<ActiveChecks> checks,
                                 std::size_t backend) {
    CheckAlarm alarm(reactor);
    checks->attach(backend, &alarm);
    const CompiledBackend& target = checks->upstream().backends[backend];
    const std::string& host = target.config->host;
    const std::string request = health_check_request(
        checks->options().check_path, host.find(':') != std::string::npos ? "[" + host + "]" : host);
    const std::uint64_t interval_ms =
        static_cast<std::uint64_t>(std::max<std::int64_t>(checks->options().check_interval.count(), 1));
    while (!checks->stopped()) {
        CheckResult result = co_await check_once(reactor, *checks, backend, request, alarm);
        if (checks->stopped()) {
            break;
        }
        const std::string line = checks->record(backend, result.ok, result.detail);
        if (!line.empty()) {
            RINGWALL_LOG(info, line);
        }
        co_await alarm.sleep(interval_ms);
    }
    checks->attach(backend, nullptr);
}

}  // namespace ringwall::proxy
