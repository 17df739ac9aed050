// tests/tls/certificate_store_test.cc: loading PEM pairs and choosing a certificate by name.
#include "tls/certificate_store.h"

#include <gtest/gtest.h>

#include <openssl/ssl.h>

#include "tls/test_certificates.h"

namespace ringwall::tls {
namespace {

using testing::test_certificates;

SslCtxHandle new_context() { return SslCtxHandle(SSL_CTX_new(TLS_server_method())); }

class CertificateStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        const auto& certs = test_certificates();
        ASSERT_EQ(store_.add(new_context(), certs.localhost), std::nullopt);
        ASSERT_EQ(store_.add(new_context(), certs.exact), std::nullopt);
        ASSERT_EQ(store_.add(new_context(), certs.wildcard), std::nullopt);
    }
    CertificateStore store_;
};

TEST_F(CertificateStoreTest, IndexesSubjectAltNamesLowercased) {
    EXPECT_EQ(store_.names(0), std::vector<std::string>{"localhost"});
    EXPECT_EQ(store_.names(1), std::vector<std::string>{"example.com"});
    EXPECT_EQ(store_.names(2), std::vector<std::string>{"*.example.com"});
}

TEST_F(CertificateStoreTest, PrefersExactThenOneLabelWildcardThenDefault) {
    SSL_CTX* exact = store_.select("example.com");
    SSL_CTX* wildcard = store_.select("a.example.com");
    SSL_CTX* fallback = store_.default_context();
    EXPECT_NE(exact, fallback);
    EXPECT_NE(wildcard, fallback);
    EXPECT_NE(exact, wildcard);
    EXPECT_EQ(store_.select("EXAMPLE.com."), exact);
    EXPECT_EQ(store_.select("B.Example.COM"), wildcard);
    EXPECT_EQ(store_.select("a.b.example.com"), fallback);
    EXPECT_EQ(store_.select(".example.com"), fallback);
    EXPECT_EQ(store_.select("unknown.test"), fallback);
    EXPECT_EQ(store_.select("localhost"), fallback);
    EXPECT_EQ(store_.select(""), fallback);
}

TEST(CertificateStore, EmptyStoreSelectsNothing) {
    const CertificateStore store;
    EXPECT_TRUE(store.is_empty());
    EXPECT_EQ(store.select("example.com"), nullptr);
}

TEST(CertificateStore, ReportsMissingFileByName) {
    CertificateStore store;
    const auto error = store.add(new_context(), {"/nonexistent/chain.pem", "/nonexistent/k.pem"});
    ASSERT_TRUE(error.has_value());
    EXPECT_TRUE(error->starts_with("/nonexistent/chain.pem: ")) << *error;
    EXPECT_GT(error->size(), std::string_view("/nonexistent/chain.pem: ").size());
    EXPECT_TRUE(store.is_empty());
}

TEST(CertificateStore, ReportsMismatchedKeyByName) {
    CertificateStore store;
    const auto& certs = test_certificates();
    const auto error = store.add(new_context(), certs.bad_key);
    ASSERT_TRUE(error.has_value());
    EXPECT_TRUE(error->starts_with(certs.bad_key.key_file + ": ")) << *error;
    EXPECT_TRUE(store.is_empty());
}

}  // namespace
}  // namespace ringwall::tls
