// Tests that io_uring setup failures are explained with a cause and a fix, not an errno.
#include "io/uring_diagnosis.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace ringwall::io {
namespace {

TEST(UringDiagnosis, NamesTheCauseAndTheFixForEachSetupFailure) {
    EXPECT_NE(describe_uring_failure(ENOSYS).find("seccomp"), std::string::npos);
    EXPECT_NE(describe_uring_failure(ENOSYS).find("Linux 6.1"), std::string::npos);
    const std::string denied = describe_uring_failure(EPERM);
    EXPECT_TRUE(denied.find("io_uring_disabled") != std::string::npos ||
                denied.find("seccomp") != std::string::npos)
        << denied;
    EXPECT_NE(describe_uring_failure(EINVAL).find("DEFER_TASKRUN"), std::string::npos);
    EXPECT_NE(describe_uring_failure(ENOMEM).find("RLIMIT_MEMLOCK"), std::string::npos);
}

TEST(UringDiagnosis, ListsTheKernelFeaturesThatMatter) {
    const std::string features = describe_kernel_features();
    for (const char* name : {"kernel:", "io_uring:", "send_zc", "ktls:"}) {
        EXPECT_NE(features.find(name), std::string::npos) << name << " missing in\n" << features;
    }
}

}  // namespace
}  // namespace ringwall::io
