// tests/config/config_loader_test.cc: the root table, log, limits, timeouts, diagnostics.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "config/config.h"
#include "load_helpers.h"

namespace ringwall::config {
namespace {

using testing::errors_of;
using testing::errors_with_tail;
using testing::load_clean;
using testing::load_clean_with_tail;
using Errors = std::vector<std::string>;

TEST(LoadString, FillsDefaultsForAMinimalFile) {
    const Config config = load_clean_with_tail("");
    EXPECT_EQ(config.source, "t.toml");
    EXPECT_EQ(config.workers, 0u);
    EXPECT_EQ(config.log, Log{});
    EXPECT_EQ(config.limits, Limits{});
    EXPECT_EQ(config.timeouts, Timeouts{});
    ASSERT_EQ(config.listeners.size(), 1u);
    ASSERT_EQ(config.routes.size(), 1u);
    EXPECT_EQ(config.routes[0].name, "routes[0]");
    EXPECT_EQ(config.routes[0].path_prefix, "/");
    EXPECT_EQ(config.routes[0].respond.status, 200);
}

TEST(LoadString, ReadsEverySetting) {
    const Config config = load_clean_with_tail(R"(workers = 4
[log]
error_log = "/var/log/ringwall/error.log"
access_log = "stdout"
level = "debug"
[limits]
max_request_line = "4KiB"
max_field_size = 1000
max_header_size = "64KB"
max_fields = 50
max_body_size = "10MiB"
max_connections = 100
min_body_rate = 0
[timeouts]
header = "5s"
keepalive = "1m"
body = "1500ms"
send = "1m30s"
shutdown = "1s"
graceful_shutdown = "1h"
)");
    EXPECT_EQ(config.workers, 4u);
    EXPECT_EQ(config.log, (Log{"/var/log/ringwall/error.log", "stdout", "debug"}));
    EXPECT_EQ(config.limits, (Limits{4096, 1000, 64000, 50, 10 << 20, 100, 0}));
    EXPECT_EQ(config.timeouts, (Timeouts{Duration(5000), Duration(60'000), Duration(1500),
                                         Duration(90'000), Duration(1000), Duration(3'600'000)}));
}

TEST(LoadString, AcceptsDottedKeysAndInlineTables) {
    const Config config = load_clean_with_tail(
        "limits.max_fields = 7\ntimeouts = { header = \"3s\" }\nlog.level = \"warn\"\n");
    EXPECT_EQ(config.limits.max_fields, 7u);
    EXPECT_EQ(config.timeouts.header, Duration(3000));
    EXPECT_EQ(config.log.level, "warn");
}

TEST(LoadString, ReportsATomlSyntaxErrorWithItsPosition) {
    EXPECT_EQ(errors_of("workers = \"auto\"\nlimits = = 3\n"),
              Errors{"t.toml:2:10: Error while parsing value: could not determine value type"});
    EXPECT_EQ(errors_of("[log]\nlevel = \"info\"\nlevel = \"warn\"\n"),
              Errors{"t.toml:3:9: Error while parsing key-value pair: cannot redefine existing "
                     "string 'level'"});
}

TEST(LoadString, RequiresListenersButNotRoutes) {
    EXPECT_EQ(errors_of(""),
              (Errors{"t.toml:1:1: listeners: at least one [[listeners]] table is required, e.g. "
                      "address = \"127.0.0.1:8080\""}));
    EXPECT_EQ(errors_of("workers = 2\nlisteners = []\nroutes = []\n"),
              (Errors{"t.toml:2:13: listeners: at least one [[listeners]] table is required, e.g. "
                      "address = \"127.0.0.1:8080\""}));
}

TEST(LoadString, ReportsUnknownKeysWithSuggestions) {
    EXPECT_EQ(
        errors_with_tail("worker = 2\nlogs.level = \"info\"\n[limits]\nmax_feild_size = \"4KiB\"\n"
                         "max_connection = 5\nbanana = 1\n[timeouts]\nkeep_alive = \"5s\"\n"),
        (Errors{"t.toml:1:1: worker: unknown key \"worker\"; did you mean \"workers\"?",
                "t.toml:2:1: logs: unknown key \"logs\"; did you mean \"log\"?",
                "t.toml:4:1: limits.max_feild_size: unknown key \"max_feild_size\"; did you "
                "mean \"max_field_size\"?",
                "t.toml:5:1: limits.max_connection: unknown key \"max_connection\"; did you "
                "mean \"max_connections\"?",
                "t.toml:6:1: limits.banana: unknown key \"banana\"",
                "t.toml:8:1: timeouts.keep_alive: unknown key \"keep_alive\"; did you mean "
                "\"keepalive\"?"}));
}

TEST(LoadString, QuotesKeyPathsThatAreNotBareKeys) {
    EXPECT_EQ(errors_with_tail("[log]\n\"error log\" = \"stderr\"\n"),
              Errors{"t.toml:2:1: log.\"error log\": unknown key \"error log\"; did you mean "
                     "\"error_log\"?"});
}

TEST(LoadString, ReadsWorkers) {
    EXPECT_EQ(load_clean_with_tail("workers = \"auto\"\n").workers, 0u);
    EXPECT_EQ(load_clean_with_tail("workers = 1\n").workers, 1u);
    EXPECT_EQ(load_clean_with_tail("workers = 1024\n").workers, 1024u);
    EXPECT_EQ(errors_with_tail("workers = 0\n"),
              Errors{"t.toml:1:11: workers: must be between 1 and 1024, got 0"});
    EXPECT_EQ(errors_with_tail("workers = 1025\n"),
              Errors{"t.toml:1:11: workers: must be between 1 and 1024, got 1025"});
    EXPECT_EQ(errors_with_tail("workers = \"4\"\n"),
              Errors{"t.toml:1:11: workers: expected \"auto\" or an integer from 1 to 1024, got "
                     "\"4\"; write the number without quotes"});
    EXPECT_EQ(errors_with_tail("workers = \"max\"\n"),
              Errors{"t.toml:1:11: workers: expected \"auto\" or an integer from 1 to 1024, got "
                     "\"max\""});
    EXPECT_EQ(errors_with_tail("workers = 2.0\n"),
              Errors{"t.toml:1:11: workers: expected \"auto\" or an integer from 1 to 1024, got "
                     "float"});
}

TEST(LoadString, ReadsLogDestinations) {
    EXPECT_EQ(load_clean_with_tail("[log]\naccess_log = \"access.log\"\n").log.access_log,
              "access.log");
    EXPECT_EQ(
        errors_with_tail("[log]\nerror_log = \"off\"\naccess_log = \"\"\n"
                         "error_log2 = 1\n"),
        (Errors{"t.toml:2:13: log.error_log: cannot be \"off\"; give \"stderr\" or a file path",
                "t.toml:3:14: log.access_log: must not be empty; give \"stderr\" or a file path",
                "t.toml:4:1: log.error_log2: unknown key \"error_log2\"; did you mean "
                "\"error_log\"?"}));
    EXPECT_EQ(errors_with_tail("[log]\nerror_log = \"stdout\"\naccess_log = \"a\\u0000b\"\n"),
              (Errors{"t.toml:2:13: log.error_log: cannot be \"stdout\"; give \"stderr\" or a file "
                      "path",
                      "t.toml:3:14: log.access_log: a file path cannot contain NUL"}));
    EXPECT_EQ(
        errors_with_tail("[log]\nerror_log = \"STDERR\"\naccess_log = \"Off\"\n"),
        (Errors{"t.toml:2:13: log.error_log: keywords are lowercase; did you mean "
                "\"stderr\"?",
                "t.toml:3:14: log.access_log: keywords are lowercase; did you mean \"off\"?"}));
    EXPECT_EQ(errors_with_tail("log = \"stderr\"\n"),
              Errors{"t.toml:1:7: log: expected a table, got string"});
}

TEST(LoadString, ReadsLogLevelsWithSuggestions) {
    EXPECT_EQ(errors_with_tail("[log]\nlevel = \"warning\"\n"),
              Errors{"t.toml:2:9: log.level: expected \"error\", \"warn\", \"info\" or \"debug\", "
                     "got \"warning\""});
    EXPECT_EQ(errors_with_tail("[log]\nlevel = \"INFO\"\n"),
              Errors{"t.toml:2:9: log.level: expected \"error\", \"warn\", \"info\" or \"debug\", "
                     "got \"INFO\"; did you mean \"info\"?"});
    EXPECT_EQ(errors_with_tail("[log]\nlevel = 3\n"),
              Errors{"t.toml:2:9: log.level: expected a string, got integer"});
}

TEST(LoadString, ChecksSizeLimits) {
    EXPECT_EQ(errors_with_tail("[limits]\nmax_request_line = 0\nmax_field_size = \"0KiB\"\n"
                               "max_header_size = -1\nmax_body_size = 1.5\n"
                               "min_body_rate = \"fast\"\nmax_fields = 0\n"
                               "max_connections = 4294967296\n"),
              (Errors{"t.toml:2:20: limits.max_request_line: must be greater than 0",
                      "t.toml:3:18: limits.max_field_size: must be greater than 0",
                      "t.toml:4:19: limits.max_header_size: a size cannot be negative, got -1",
                      "t.toml:5:17: limits.max_body_size: expected a size like \"8KiB\" or an "
                      "integer number of bytes, got float",
                      "t.toml:6:17: limits.min_body_rate: expected a size like \"8KiB\", got "
                      "\"fast\"",
                      "t.toml:7:14: limits.max_fields: must be between 1 and 4294967295, got 0",
                      "t.toml:8:19: limits.max_connections: must be between 1 and 4294967295, got "
                      "4294967296"}));
    EXPECT_EQ(errors_with_tail("[limits]\nmax_body_size = \"1.5MiB\"\n"),
              Errors{"t.toml:2:17: limits.max_body_size: fractional sizes are not supported; write "
                     "\"1536KiB\""});
    EXPECT_EQ(load_clean_with_tail("[limits]\nmin_body_rate = \"0B\"\n").limits.min_body_rate, 0u);
}

TEST(LoadString, ChecksTimeouts) {
    EXPECT_EQ(
        errors_with_tail("[timeouts]\nheader = 10\nkeepalive = \"0s\"\nbody = \"10\"\n"
                         "send = \"1.5s\"\nshutdown = \"-1s\"\ngraceful_shutdown = \"10 s\"\n"),
        (Errors{"t.toml:2:10: timeouts.header: expected a duration like \"10s\", got integer",
                "t.toml:3:13: timeouts.keepalive: must be greater than 0",
                "t.toml:4:8: timeouts.body: missing unit in \"10\"; write \"10s\" or \"10ms\"",
                "t.toml:5:8: timeouts.send: fractional durations are not supported; write "
                "\"1500ms\"",
                "t.toml:6:12: timeouts.shutdown: a duration cannot be negative",
                "t.toml:7:21: timeouts.graceful_shutdown: unexpected space in \"10 s\"; write "
                "\"10s\""}));
}

TEST(LoadString, CollectsEveryErrorInFileOrder) {
    // Sections out of alphabetical order, and a whole-file error at 1:1 first.
    EXPECT_EQ(
        errors_of("[timeouts]\nsend = 1\n[log]\nlevel = \"loud\"\n[limits]\nmax_fields = 0\n"
                  "[[routes]]\n[routes.respond]\nstatus = 1\n"),
        (Errors{"t.toml:1:1: listeners: at least one [[listeners]] table is required, e.g. "
                "address = \"127.0.0.1:8080\"",
                "t.toml:2:8: timeouts.send: expected a duration like \"10s\", got integer",
                "t.toml:4:9: log.level: expected \"error\", \"warn\", \"info\" or \"debug\", "
                "got \"loud\"",
                "t.toml:6:14: limits.max_fields: must be between 1 and 4294967295, got 0",
                "t.toml:9:10: routes[0].respond.status: must be between 200 and 599, got 1"}));
}

TEST(LoadString, ReturnsNoConfigWhenThereAreErrors) {
    const LoadResult result = load_string("workers = 0\n", "x");
    EXPECT_EQ(result.config, nullptr);
    EXPECT_EQ(result.errors.size(), 2u);  // workers range, no listeners
}

TEST(Diagnostic, PrintsFileLineColumnKeyAndMessage) {
    EXPECT_EQ((Diagnostic{"a.toml", 3, 7, "limits.max_fields", "too big"}).to_string(),
              "a.toml:3:7: limits.max_fields: too big");
    EXPECT_EQ((Diagnostic{"a.toml", 1, 1, "", "syntax"}).to_string(), "a.toml:1:1: syntax");
    EXPECT_EQ((Diagnostic{"a.toml", 0, 0, "", "cannot open: x"}).to_string(),
              "a.toml: cannot open: x");
}

TEST(LoadFile, ReportsAMissingFile) {
    const LoadResult result = load_file("/nonexistent/ringwall.toml");
    EXPECT_EQ(result.config, nullptr);
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_EQ(result.errors[0].to_string(),
              "/nonexistent/ringwall.toml: cannot open: No such file or directory");
}

TEST(LoadFile, ReportsADirectory) {
    const LoadResult result = load_file("/");
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_EQ(result.errors[0].to_string(), "/: cannot read: Is a directory");
}

TEST(LoadFile, LoadsAFileAndNamesItInDiagnostics) {
    char path[] = "/tmp/ringwall_config_testXXXXXX";
    const int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    ::close(fd);
    { std::ofstream(path) << "workers = 3\n" << testing::minimal_tail; }
    const LoadResult good = load_file(path);
    ASSERT_NE(good.config, nullptr);
    EXPECT_EQ(good.config->workers, 3u);
    EXPECT_EQ(good.config->source, path);
    { std::ofstream(path) << "workers = 0\n" << testing::minimal_tail; }
    const LoadResult bad = load_file(path);
    ASSERT_EQ(bad.errors.size(), 1u);
    EXPECT_EQ(bad.errors[0].to_string(),
              std::string(path) + ":1:11: workers: must be between 1 and 1024, got 0");
    std::remove(path);
}

}  // namespace
}  // namespace ringwall::config
