// src/main.cc: command line: run, check (-t), print the effective configuration (-T), version (-V).
#include <cstdio>
#include <cstring>
#include <string>

#include "config/config.h"
#include "config/route_order.h"
#include "io/reactor.h"
#include "io/uring_diagnosis.h"
#include "server/server.h"

namespace {

constexpr const char* usage_text =
    "usage: ringwall [-c FILE] [-t] [-T] [-V] [-h]\n"
    "  -c FILE  configuration file (default: the bundled configuration)\n"
    "  -t       check the configuration and exit\n"
    "  -T       check the configuration, print it with every default filled in, and exit\n"
    "  -V       print version, build options and detected kernel features, and exit\n"
    "  -h       print this help\n"
    "signals: HUP reload, QUIT graceful shutdown, TERM/INT fast shutdown, USR1 reopen logs\n";

void print_version() {
    std::printf("ringwall %s\n", RINGWALL_VERSION);
    std::printf("build: %s, %s, sanitizers: %s\n", RINGWALL_BUILD_TYPE, RINGWALL_COMPILER,
                RINGWALL_SANITIZE_FLAGS[0] != '\0' ? RINGWALL_SANITIZE_FLAGS : "none");
    std::printf("%s", ringwall::io::describe_kernel_features().c_str());
}

}  // namespace

int main(int argc, char** argv) {
    std::string config_path;
    bool check_only = false;
    bool print_config = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-c" && i + 1 < argc) {
            config_path = argv[++i];
        } else if (arg == "-t") {
            check_only = true;
        } else if (arg == "-T") {
            print_config = true;
        } else if (arg == "-V" || arg == "--version") {
            print_version();
            return 0;
        } else if (arg == "-h" || arg == "--help") {
            std::fputs(usage_text, stdout);
            return 0;
        } else {
            std::fprintf(stderr, "ringwall: unknown argument \"%s\"\n%s", arg.c_str(), usage_text);
            return 2;
        }
    }

    const ringwall::config::LoadResult loaded =
        config_path.empty() ? ringwall::config::load_string(ringwall::config::bundled_default_text(), "<default>")
                            : ringwall::config::load_file(config_path);
    if (!loaded.config) {
        for (const ringwall::config::Diagnostic& diagnostic : loaded.errors) {
            std::fprintf(stderr, "%s\n", diagnostic.to_string().c_str());
        }
        std::fprintf(stderr, "ringwall: configuration %s has %zu error%s\n",
                     config_path.empty() ? "<default>" : config_path.c_str(), loaded.errors.size(),
                     loaded.errors.size() == 1 ? "" : "s");
        return 1;
    }
    if (print_config) {
        std::fputs(ringwall::config::to_toml(*loaded.config).c_str(), stdout);
        return 0;
    }
    if (check_only) {
        // The order routes are tried in, so an operator can see which one a request hits.
        std::printf("routes, first match wins:\n%s", ringwall::config::describe_route_order(*loaded.config).c_str());
        std::printf("configuration file %s test is successful\n", loaded.config->source.c_str());
        return 0;
    }
    ringwall::server::Server server(config_path, loaded.config);
    return server.run();
}
