// src/proxy/file_cache.h: what a worker knows about the files beneath its static roots:
// small files' bytes, large files' mappings, medium files' open descriptors, and which
// names do not exist, each trusted for a short while before it is checked again.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "files/etag.h"

namespace ringwall::proxy {

// One representation: a file as found on disk (or one of its compressed forms). Immutable
// once cached; requests that are sending it hold a shared_ptr, so an entry replaced or
// evicted meanwhile stays valid (mapping and descriptor included) until they finish.
struct CachedFile {
    enum class Kind : std::uint8_t {
        missing,     // no such file, or not one we serve (device, socket, escape of the root)
        forbidden,   // exists but may not be read (EACCES)
        unavailable, // could not be looked at now (out of descriptors): 503, checked again soon
        directory,
        memory,      // bytes in `body` (small files, compressed variants, listings)
        mapped,      // bytes in a read-only shared mapping (large files)
        descriptor,  // an open file read on demand (the sizes between)
    };

    CachedFile() = default;
    CachedFile(const CachedFile&) = delete;
    CachedFile& operator=(const CachedFile&) = delete;
    ~CachedFile();

    Kind kind = Kind::missing;
    files::FileVersion version;    // what revalidation compares
    std::int64_t mtime_seconds = 0;
    std::uint64_t size = 0;        // bytes of this representation
    std::string body;              // memory
    const char* map = nullptr;     // mapped
    int fd = -1;                   // descriptor
    std::string content_coding;    // "" for identity, else "br", "zstd", "gzip"
    std::string etag;              // quoted, strong
    std::string last_modified;     // IMF-fixdate
    std::string content_type;
    // The fields of a plain 200 for this representation, written when it was loaded, so
    // that the common request (no preconditions, no Range) formats nothing.
    std::string fields_200;

    bool is_file() const noexcept {
        return kind == Kind::memory || kind == Kind::mapped || kind == Kind::descriptor;
    }
    // The bytes, for memory and mapped kinds. A mapping is only ever read by the kernel
    // (zero-copy sends): touching it here would turn a file truncated under us into SIGBUS.
    std::string_view bytes() const noexcept {
        return kind == Kind::mapped ? std::string_view(map, size) : std::string_view(body);
    }
};

using CachedFilePtr = std::shared_ptr<const CachedFile>;

// Least recently used first out, bounded in bytes held in memory and in entries (each may
// hold a descriptor or a mapping). Per worker: no locks.
class FileCache {
public:
    FileCache(std::uint64_t max_bytes, std::uint64_t revalidate_ms) noexcept
        : max_bytes_(max_bytes), revalidate_ms_(revalidate_ms) {}

    struct Lookup {
        CachedFilePtr file;  // null when unknown
        bool fresh = false;  // checked within the revalidation interval
    };
    Lookup find(const std::string& key, std::uint64_t now_ms);
    void put(const std::string& key, CachedFilePtr file, std::uint64_t now_ms);
    // The file was checked and has not changed.
    void mark_checked(const std::string& key, std::uint64_t now_ms);

private:
    struct Node {
        std::string key;
        CachedFilePtr file;
        std::uint64_t checked_ms = 0;
        std::uint64_t cost = 0;
    };
    static std::uint64_t cost_of(const std::string& key, const CachedFile& file) noexcept;
    void evict_until_fits() noexcept;

    std::uint64_t max_bytes_;
    std::uint64_t revalidate_ms_;
    std::uint64_t bytes_ = 0;
    std::list<Node> lru_;  // most recent first
    std::unordered_map<std::string_view, std::list<Node>::iterator> index_;
};

}  // namespace ringwall::proxy
