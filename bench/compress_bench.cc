// bench/compress_bench.cc: time and ratio of each library level around the ones compress()
// uses, on text assets that Debian ships under /usr/share. The figures behind the level
// choice in src/compress/compress.cc come from here.
// Run: compress_bench [FILE...] [--benchmark_filter=...]; pin it (taskset -c 1) and keep
// the machine otherwise idle. "ratio" is compressed/original bytes over all files.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compress/encoders.h"

namespace {

using Encoder = std::optional<std::string> (*)(std::string_view, int);

// Present on a bookworm machine with the project's dependencies installed (cmake, nodejs
// docs and the gitweb/jquery packages may be absent: missing files are skipped).
constexpr const char* default_files[] = {
    "/usr/share/common-licenses/GPL-3",
    "/usr/share/javascript/jquery/jquery.js",
    "/usr/share/javascript/jquery/jquery.min.js",
    "/usr/share/javascript/underscore/underscore.js",
    "/usr/share/javascript/highlight.js/highlight.min.js",
    "/usr/share/gitweb/static/gitweb.css",
    "/usr/share/doc/python3/_static/basic.css",
    "/usr/share/doc/nodejs/api/assets/style.css",
    "/usr/share/doc/python3/python-policy.html",
    "/usr/share/doc/libtomlplusplus-dev/docs/images/banner.svg",
    "/usr/share/cmake-3.25/Templates/MSBuild/FlagTables/v143_Link.json",
};

std::vector<std::string> corpus;

void encode_corpus(benchmark::State& state, Encoder encode, int level) {
    std::size_t in = 0;
    std::size_t out = 0;
    double seconds = 0;
    for (auto _ : state) {
        in = 0;
        out = 0;
        const auto start = std::chrono::steady_clock::now();
        for (const std::string& file : corpus) {
            const std::optional<std::string> stream = encode(file, level);
            if (!stream) {
                state.SkipWithError("encoder failed");
                return;
            }
            in += file.size();
            out += stream->size();
        }
        seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    const double mib = static_cast<double>(in) / (1024.0 * 1024.0);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in));
    state.counters["ratio"] = in ? static_cast<double>(out) / static_cast<double>(in) : 0.0;
    // A plain number: Google Benchmark would print an inverted rate as seconds.
    state.counters["ms_per_MiB"] =
        mib > 0 ? seconds * 1e3 / (static_cast<double>(state.iterations()) * mib) : 0.0;
}

void register_levels(const char* name, Encoder encode, std::initializer_list<int> levels) {
    for (const int level : levels) {
        benchmark::RegisterBenchmark((std::string(name) + "/" + std::to_string(level)).c_str(),
                                     encode_corpus, encode, level)
            ->Unit(benchmark::kMillisecond);
    }
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    std::vector<std::string> paths(argv + 1, argv + argc);
    if (paths.empty()) {
        paths.assign(std::begin(default_files), std::end(default_files));
    }
    std::size_t total = 0;
    for (const std::string& path : paths) {
        std::ifstream file(path, std::ios::binary);
        if (!file) {
            std::fprintf(stderr, "skipped (unreadable): %s\n", path.c_str());
            continue;
        }
        corpus.emplace_back(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
        total += corpus.back().size();
        std::fprintf(stderr, "input: %s (%zu bytes)\n", path.c_str(), corpus.back().size());
    }
    std::fprintf(stderr, "%zu files, %zu bytes\n", corpus.size(), total);
    if (corpus.empty()) {
        return 1;
    }
    using ringwall::compress::encode_brotli;
    using ringwall::compress::encode_gzip;
    using ringwall::compress::encode_zstd;
    register_levels("gzip", encode_gzip, {1, 2, 5, 6, 9});
    register_levels("br", encode_brotli, {1, 2, 4, 5, 6, 7, 8, 9, 11});
    register_levels("zstd", encode_zstd, {1, 3, 6, 9, 12, 19});
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
