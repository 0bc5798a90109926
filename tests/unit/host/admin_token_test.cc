// Admin token: the env var wins, else a 0600 file of 64 hex chars is made once; tokenEquals.
#include "host/admin_token.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>

#include "tests/unit/host/temp_dir.h"

namespace quiver::host {
namespace {

using quiver::testing::TempDir;

std::string readFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class AdminTokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* old = getenv("QUIVER_ADMIN_TOKEN")) saved_ = old;
    unsetenv("QUIVER_ADMIN_TOKEN");
  }
  void TearDown() override {
    if (saved_) {
      setenv("QUIVER_ADMIN_TOKEN", saved_->c_str(), 1);
    } else {
      unsetenv("QUIVER_ADMIN_TOKEN");
    }
  }

  TempDir dir_;
  std::optional<std::string> saved_;
};

TEST_F(AdminTokenTest, EnvironmentVariableWins) {
  std::ofstream(dir_ / "admin.token") << "from-file\n";
  setenv("QUIVER_ADMIN_TOKEN", "from-env", 1);
  auto token = resolveAdminToken(dir_.path());
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(token->value, "from-env");
  EXPECT_TRUE(token->created_file.empty());
}

TEST_F(AdminTokenTest, EnvironmentVariableDoesNotCreateFile) {
  setenv("QUIVER_ADMIN_TOKEN", "from-env", 1);
  auto token = resolveAdminToken(dir_.path());
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(token->value, "from-env");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "admin.token"));
}

TEST_F(AdminTokenTest, EmptyEnvironmentVariableFallsBackToFile) {
  setenv("QUIVER_ADMIN_TOKEN", "", 1);
  auto token = resolveAdminToken(dir_.path());
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(token->value.size(), 64u);
  EXPECT_EQ(token->created_file, dir_ / "admin.token");
}

TEST_F(AdminTokenTest, CreatesPrivateFileWithRandomHexToken) {
  mode_t old_umask = umask(022);
  auto token = resolveAdminToken(dir_.path());
  umask(old_umask);
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_TRUE(std::regex_match(token->value, std::regex("[0-9a-f]{64}"))) << token->value;
  EXPECT_EQ(token->created_file, dir_ / "admin.token");

  struct stat st {};
  ASSERT_EQ(stat((dir_ / "admin.token").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(readFile(dir_ / "admin.token"), token->value + "\n");
}

TEST_F(AdminTokenTest, SecondCallReadsTheSameToken) {
  auto first = resolveAdminToken(dir_.path());
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_FALSE(first->created_file.empty());
  auto second = resolveAdminToken(dir_.path());
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->value, first->value);
  EXPECT_TRUE(second->created_file.empty());
}

TEST_F(AdminTokenTest, DifferentDataDirsGetDifferentTokens) {
  TempDir other;
  auto a = resolveAdminToken(dir_.path());
  auto b = resolveAdminToken(other.path());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->value, b->value);
}

TEST_F(AdminTokenTest, ExistingFileIsTrimmed) {
  std::ofstream(dir_ / "admin.token") << "hand-written-token \r\n";
  auto token = resolveAdminToken(dir_.path());
  ASSERT_TRUE(token.ok()) << token.error().message;
  EXPECT_EQ(token->value, "hand-written-token");
  EXPECT_TRUE(token->created_file.empty());
}

TEST_F(AdminTokenTest, EmptyFileIsAnError) {
  std::ofstream(dir_ / "admin.token") << "\n";
  auto token = resolveAdminToken(dir_.path());
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().code, "token_error");
}

TEST_F(AdminTokenTest, MissingDataDirIsAnError) {
  auto token = resolveAdminToken(dir_ / "missing");
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().code, "token_error");
}

TEST(TokenEqualsTest, ComparesWholeStrings) {
  EXPECT_TRUE(tokenEquals("secret", "secret"));
  EXPECT_TRUE(tokenEquals("", ""));
  EXPECT_FALSE(tokenEquals("secret", "secreT"));
  EXPECT_FALSE(tokenEquals("secret", "secret2"));
  EXPECT_FALSE(tokenEquals("secret", "secre"));
  EXPECT_FALSE(tokenEquals("secret", ""));
  EXPECT_FALSE(tokenEquals("", "secret"));
  EXPECT_TRUE(tokenEquals(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
  EXPECT_FALSE(tokenEquals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

}  // namespace
}  // namespace quiver::host
