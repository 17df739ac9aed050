// src/proxy/static_files.h: the `static` route action: files beneath a root, answered from
// the worker's file cache when it can, after awaited file I/O when it must.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "io/reactor.h"
#include "io/task.h"
#include "proxy/exchange.h"
#include "proxy/file_cache.h"
#include "proxy/pipeline.h"

namespace ringwall::proxy {

struct RequestFacts;

// What answering needs first: a name looked up on disk, a compressed variant made, or a
// directory listed. Filled by StaticFiles::respond when it returns `need_io`.
struct StaticNeed {
    enum class Kind : std::uint8_t { lookup, compress, listing };
    Kind kind = Kind::lookup;
    std::string key;            // the cache key to fill
    std::string relative_path;  // beneath the root ("" is the root itself)
    CachedFilePtr source;       // compress: the identity representation
    std::string coding;         // compress: "br", "zstd" or "gzip"
    const CompiledRoute* route = nullptr;
};

// One request's passage through respond() and load(), which may alternate a few times
// (the file, then its index, then a compressed sibling).
struct StaticContext {
    StaticNeed need;
    // What load() found for this request, consulted before the cache: a file too large
    // for the cache (or any file, with the cache off) is still answered.
    std::vector<std::pair<std::string, CachedFilePtr>> loaded;
};

// One worker's static-file state for one configuration snapshot (the cache is dropped
// with the snapshot on reload, since MIME types and routes may have changed).
class StaticFiles {
public:
    StaticFiles(io::Reactor& reactor, std::shared_ptr<const Pipeline> pipeline, unsigned workers);

    const Pipeline& pipeline() const noexcept { return *pipeline_; }

    enum class Step : std::uint8_t { answered, need_io };
    // Answers `exchange` (its route is a static one) from what the cache knows: fills
    // exchange.response, and for bodies held elsewhere exchange.body_owner or
    // exchange.segments. Else returns need_io with `need` set: await load(need), then
    // call again. Never blocks.
    Step respond(Exchange& exchange, StaticContext& context);
    // The I/O behind context.need, through the ring; the answer goes to the cache and to
    // context.loaded.
    io::Task<void> load(StaticContext& context);

private:
    struct Representation;
    Step serve_file(Exchange& exchange, StaticContext& context, std::string_view relative,
                    const CachedFilePtr& file);
    Step answer_missing(Exchange& exchange, StaticContext& context);
    // The entry for `key` if known and fresh; else false, and the caller sets a need.
    bool find(const std::string& key, CachedFilePtr& out, const StaticContext& context);
    const std::string& key_for(const CompiledRoute& route, std::string_view relative, std::string_view variant);
    Step need(StaticContext& context, StaticNeed::Kind kind, const CompiledRoute& route, std::string relative);
    void answer_status(Exchange& exchange, std::uint16_t status, std::string_view extra_fields = {});
    void answer_representation(Exchange& exchange, const Representation& rep, const RequestFacts& facts);
    io::Task<CachedFilePtr> load_file(const StaticNeed& need);
    io::Task<CachedFilePtr> load_compressed(const StaticNeed& need);
    io::Task<CachedFilePtr> load_listing(const StaticNeed& need);

    io::Reactor& reactor_;
    std::shared_ptr<const Pipeline> pipeline_;
    FileCache cache_;
    std::string key_;  // reused for lookups, so that a cache hit allocates nothing
    std::uint64_t boundary_seed_;
    std::uint64_t boundary_counter_ = 0;
};

}  // namespace ringwall::proxy
