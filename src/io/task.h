// src/io/task.h: Task<T>, the lazy coroutine type everything above the runtime awaits.
#pragma once

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>

#include "io/frame_pool.h"

namespace ringwall::io {

template <typename T>
class Task;

// Told when a spawned (detached) task has finished; the frame is already gone.
class DetachedOwner {
public:
    virtual void on_detached_done(std::exception_ptr failure) noexcept = 0;

protected:
    ~DetachedOwner() = default;
};

namespace detail {

struct PromiseBase {
    std::coroutine_handle<> continuation_ = std::noop_coroutine();
    std::exception_ptr exception_;
    // Set for spawned tasks: nobody awaits them, so the frame frees itself at the end. This
    // saves a wrapper frame per connection, which idle connections would otherwise pay for.
    DetachedOwner* detached_owner_ = nullptr;

    static void* operator new(std::size_t size) { return allocate_frame(size); }
    static void operator delete(void* frame, std::size_t size) noexcept {
        free_frame(frame, size);
    }

    std::suspend_always initial_suspend() const noexcept { return {}; }

    // Symmetric transfer: the finishing task hands control straight to its awaiter,
    // so chains of co_await never grow the native stack.
    struct FinalAwaiter {
        bool await_ready() const noexcept { return false; }
        template <typename Promise>
        std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> self) noexcept {
            PromiseBase& promise = self.promise();
            if (DetachedOwner* owner = promise.detached_owner_) {
                std::exception_ptr failure = std::move(promise.exception_);
                self.destroy();
                owner->on_detached_done(std::move(failure));
                return std::noop_coroutine();
            }
            return promise.continuation_;
        }
        void await_resume() const noexcept {}
    };
    FinalAwaiter final_suspend() const noexcept { return {}; }

    void unhandled_exception() noexcept { exception_ = std::current_exception(); }

    void rethrow_if_failed() const {
        if (exception_) {
            std::rethrow_exception(exception_);
        }
    }
};

template <typename T>
struct Promise : PromiseBase {
    std::optional<T> value_;
    Task<T> get_return_object() noexcept;
    template <typename U>
    void return_value(U&& value) {
        value_.emplace(std::forward<U>(value));
    }
    T take() {
        rethrow_if_failed();
        return std::move(*value_);
    }
};

template <>
struct Promise<void> : PromiseBase {
    Task<void> get_return_object() noexcept;
    void return_void() const noexcept {}
    void take() const { rethrow_if_failed(); }
};

}  // namespace detail

// Lazy: the body starts when the task is awaited (or started by spawn()). Move-only; the
// frame is destroyed with the Task. Exceptions escaping the body are rethrown to the awaiter.
template <typename T = void>
class [[nodiscard]] Task {
public:
    using promise_type = detail::Promise<T>;
    using Handle = std::coroutine_handle<promise_type>;

    Task() noexcept = default;
    explicit Task(Handle handle) noexcept : handle_(handle) {}
    Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
    Task& operator=(Task&& other) noexcept {
        if (this != &other) {
            destroy();
            handle_ = std::exchange(other.handle_, {});
        }
        return *this;
    }
    Task(const Task&) = delete;
    Task& operator=(const Task&) = delete;
    ~Task() { destroy(); }

    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiter) noexcept {
        handle_.promise().continuation_ = awaiter;
        return handle_;
    }
    T await_resume() { return handle_.promise().take(); }

    // Starts the task with nobody awaiting it; the frame destroys itself when the body ends
    // and then tells `owner`.
    void start_detached(DetachedOwner& owner) noexcept {
        Handle handle = std::exchange(handle_, {});
        handle.promise().detached_owner_ = &owner;
        handle.resume();
    }

private:
    void destroy() noexcept {
        if (handle_) {
            handle_.destroy();
        }
    }

    Handle handle_;
};

namespace detail {
template <typename T>
Task<T> Promise<T>::get_return_object() noexcept {
    return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}
inline Task<void> Promise<void>::get_return_object() noexcept {
    return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}
}  // namespace detail

}  // namespace ringwall::io
