// src/proxy/file_cache.cc: the LRU list and its byte accounting.
#include "proxy/file_cache.h"

#include <sys/mman.h>
#include <unistd.h>

namespace ringwall::proxy {

namespace {

// What an entry costs beyond its bytes in memory: the node, its key, and for a descriptor
// or a mapping the kernel objects behind them. Bounding entries by this also bounds the
// descriptors the cache keeps open.
constexpr std::uint64_t entry_overhead = 512;

}  // namespace

CachedFile::~CachedFile() {
    if (map != nullptr) {
        ::munmap(const_cast<char*>(map), size);
    }
    if (fd >= 0) {
        ::close(fd);
    }
}

std::uint64_t FileCache::cost_of(const std::string& key, const CachedFile& file) noexcept {
    return entry_overhead + key.size() + file.body.capacity() + file.etag.size() + file.content_type.size() +
           file.fields_200.size();
}

FileCache::Lookup FileCache::find(const std::string& key, std::uint64_t now_ms) {
    const auto it = index_.find(key);
    if (it == index_.end()) {
        return {};
    }
    lru_.splice(lru_.begin(), lru_, it->second);
    const Node& node = *it->second;
    return Lookup{.file = node.file, .fresh = now_ms - node.checked_ms < revalidate_ms_};
}

void FileCache::put(const std::string& key, CachedFilePtr file, std::uint64_t now_ms) {
    const std::uint64_t cost = cost_of(key, *file);
    if (cost > max_bytes_) {
        return;  // larger than the whole cache (or the cache is off): serve it uncached
    }
    const auto it = index_.find(key);
    if (it != index_.end()) {
        bytes_ -= it->second->cost;
        lru_.erase(it->second);
        index_.erase(it);
    }
    lru_.push_front(Node{.key = key, .file = std::move(file), .checked_ms = now_ms, .cost = cost});
    index_.emplace(lru_.front().key, lru_.begin());
    bytes_ += cost;
    evict_until_fits();
}

void FileCache::mark_checked(const std::string& key, std::uint64_t now_ms) {
    const auto it = index_.find(key);
    if (it != index_.end()) {
        it->second->checked_ms = now_ms;
    }
}

void FileCache::evict_until_fits() noexcept {
    while (bytes_ > max_bytes_ && !lru_.empty()) {
        Node& last = lru_.back();
        bytes_ -= last.cost;
        index_.erase(last.key);
        lru_.pop_back();
    }
}

}  // namespace ringwall::proxy
