// src/io/frame_pool.cc: size-class free lists behind allocate_frame/free_frame.
#include "io/frame_pool.h"

#include <array>
#include <new>

namespace ringwall::io {
namespace {

constexpr std::size_t class_granularity = 32;  // idle connections are mostly frames: waste little
constexpr std::size_t class_count = 64;         // frames up to 2 KiB are pooled
constexpr std::size_t max_cached_per_class = 4096;

struct FreeNode {
    FreeNode* next;
};

struct FreeList {
    FreeNode* head = nullptr;
    std::size_t count = 0;
};

struct ThreadPool {
    std::array<FreeList, class_count> lists{};

    ~ThreadPool() {
        for (FreeList& list : lists) {
            while (list.head != nullptr) {
                FreeNode* node = list.head;
                list.head = node->next;
                ::operator delete(node);
            }
        }
    }
};

thread_local ThreadPool pool;

constexpr std::size_t class_of(std::size_t size) noexcept {
    return (size + class_granularity - 1) / class_granularity - 1;
}

}  // namespace

// Under AddressSanitizer every frame goes to the heap, so that a use after free of a
// coroutine frame is reported instead of hidden by recycling.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool pooling = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool pooling = false;
#else
constexpr bool pooling = true;
#endif
#else
constexpr bool pooling = true;
#endif

void* allocate_frame(std::size_t size) {
    if constexpr (!pooling) {
        return ::operator new(size);
    }
    const std::size_t cls = class_of(size);
    if (cls >= class_count) {
        return ::operator new(size);
    }
    FreeList& list = pool.lists[cls];
    if (list.head != nullptr) {
        FreeNode* node = list.head;
        list.head = node->next;
        --list.count;
        return node;
    }
    return ::operator new((cls + 1) * class_granularity);
}

void free_frame(void* frame, std::size_t size) noexcept {
    if constexpr (!pooling) {
        ::operator delete(frame);
        return;
    }
    const std::size_t cls = class_of(size);
    if (cls >= class_count || pool.lists[cls].count >= max_cached_per_class) {
        ::operator delete(frame);
        return;
    }
    FreeList& list = pool.lists[cls];
    list.head = new (frame) FreeNode{list.head};
    ++list.count;
}

}  // namespace ringwall::io
