// Tests for the reactor and Task<T> over real sockets: sends, multishot receives with
// provided buffers, zero-copy sends, timers, interruption and cancellation.
#include "io/reactor.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <thread>

#include "io/ops.h"
#include "io/recv_stream.h"
#include "io/socket_address.h"

namespace ringwall::io {
namespace {

struct SocketPair {
    int a = -1;
    int b = -1;
    SocketPair() {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
            throw std::runtime_error("socketpair");
        }
        a = fds[0];
        b = fds[1];
    }
    ~SocketPair() {
        ::close(a);
        ::close(b);
    }
};

Task<int> add_later(Reactor& reactor, int x) {
    co_await sleep_for(reactor, 1);
    co_return x + 1;
}

Task<void> throws_after_await(Reactor& reactor) {
    co_await sleep_for(reactor, 1);
    throw std::logic_error("boom");
}

TEST(Task, ReturnsValuesAndPropagatesExceptions) {
    Reactor reactor;
    int result = 0;
    bool caught = false;
    reactor.spawn([](Reactor& r, int& out, bool& caught_out) -> Task<void> {
        out = co_await add_later(r, 41);
        try {
            co_await throws_after_await(r);
        } catch (const std::logic_error&) {
            caught_out = true;
        }
        r.stop();
    }(reactor, result, caught));
    reactor.run();
    EXPECT_EQ(result, 42);
    EXPECT_TRUE(caught);
}

Task<int> depth(int n) {
    if (n == 0) {
        co_return 0;
    }
    co_return 1 + co_await depth(n - 1);
}

TEST(Task, AwaitsLongChainsOfNestedTasks) {
    Reactor reactor;
    int result = 0;
    reactor.spawn([](Reactor& r, int& out) -> Task<void> {
        out = co_await depth(2000);
        r.stop();
    }(reactor, result));
    reactor.run();
    EXPECT_EQ(result, 2000);
}

Task<void> echo_once(Reactor& reactor, int fd, std::string& got) {
    RecvStream stream(reactor, fd);
    RecvResult received = co_await stream.next();
    if (received.kind == RecvResult::Kind::data) {
        got = std::string(received.buffer.bytes());
        received.buffer.release();
        SendOp send(reactor, fd, "pong");
        co_await send;
    }
    co_await stream.close();
}

TEST(Reactor, ReceivesIntoProvidedBuffersAndSends) {
    Reactor reactor;
    SocketPair pair;
    std::string got;
    ASSERT_EQ(::write(pair.b, "ping", 4), 4);
    reactor.spawn([](Reactor& r, int fd, std::string& out) -> Task<void> {
        co_await echo_once(r, fd, out);
        r.stop();
    }(reactor, pair.a, got));
    reactor.run();
    EXPECT_EQ(got, "ping");
    char reply[8] = {};
    ASSERT_EQ(::read(pair.b, reply, sizeof reply), 4);
    EXPECT_EQ(std::string(reply, 4), "pong");
    EXPECT_EQ(reactor.recv_buffers().lent(), 0u);  // every buffer went back to the ring
}

TEST(Reactor, ReportsEndOfStream) {
    Reactor reactor;
    SocketPair pair;
    ::shutdown(pair.b, SHUT_WR);
    RecvResult::Kind kind = RecvResult::Kind::data;
    reactor.spawn([](Reactor& r, int fd, RecvResult::Kind& out) -> Task<void> {
        RecvStream stream(r, fd);
        RecvResult received = co_await stream.next();
        out = received.kind;
        co_await stream.close();
        r.stop();
    }(reactor, pair.a, kind));
    reactor.run();
    EXPECT_EQ(kind, RecvResult::Kind::eof);
}

TEST(Reactor, InterruptWakesAPendingReceiveAndCloseCancelsIt) {
    Reactor reactor;
    SocketPair pair;
    RecvResult::Kind kind = RecvResult::Kind::data;
    struct Interrupter final : Timer {
        RecvStream* stream = nullptr;
        void on_expire() noexcept override { stream->interrupt(); }
    };
    reactor.spawn([](Reactor& r, int fd, RecvResult::Kind& out) -> Task<void> {
        RecvStream stream(r, fd);
        Interrupter interrupter;
        interrupter.stream = &stream;
        r.arm(interrupter, 20);
        RecvResult received = co_await stream.next();  // nothing is ever sent
        out = received.kind;
        co_await stream.close();  // the armed multishot receive is cancelled and reaped
        r.stop();
    }(reactor, pair.a, kind));
    reactor.run();
    EXPECT_EQ(kind, RecvResult::Kind::interrupted);
}

// A connected loopback TCP pair: SEND_ZC is a TCP (and UDP) feature.
struct TcpPair {
    int client = -1;
    int server = -1;
    TcpPair() {
        const auto address = make_address("127.0.0.1", 0);
        const int listener = open_listener(*address, 1);
        const auto bound = local_address(listener);
        client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (listener < 0 || !bound || ::connect(client, bound->get(), bound->length) != 0) {
            throw std::runtime_error("loopback connect");
        }
        while ((server = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC)) < 0) {
        }
        ::close(listener);
    }
    ~TcpPair() {
        ::close(client);
        ::close(server);
    }
};

TEST(Reactor, ZeroCopySendDeliversTheBytes) {
    Reactor reactor;
    TcpPair pair;
    const std::string payload(64 * 1024, 'z');
    int sent = 0;
    reactor.spawn([](Reactor& r, int fd, const std::string& bytes, int& out) -> Task<void> {
        SendZcOp op(r, fd, bytes, nullptr);
        out = co_await op;
        r.stop();
    }(reactor, pair.server, payload, sent));
    reactor.run();
    ASSERT_GT(sent, 0);
    std::string received(static_cast<std::size_t>(sent), '\0');
    std::size_t got = 0;
    while (got < received.size()) {
        const ssize_t n = ::read(pair.client, received.data() + got, received.size() - got);
        ASSERT_GT(n, 0);
        got += static_cast<std::size_t>(n);
    }
    EXPECT_EQ(received, payload.substr(0, received.size()));
}

TEST(Reactor, PostRunsWorkOnTheReactorThread) {
    Reactor reactor;
    bool ran = false;
    std::thread other([&] { reactor.post([&] { ran = true; reactor.stop(); }); });
    reactor.run();
    other.join();
    EXPECT_TRUE(ran);
}

}  // namespace
}  // namespace ringwall::io
