// Deploy-time module validation in a scratch isolate.
#include "isolates/module_check.h"

#include "tests/unit/isolates/isolate_test_env.h"

namespace quiver::testing {
namespace {

TEST(ModuleCheckTest, AcceptsAValidModule) {
  EXPECT_TRUE(isolates::checkModule("ok", "export default { fetch() { return 1; } };").ok());
}

TEST(ModuleCheckTest, SyntaxErrorHasLineAndColumn) {
  auto status = isolates::checkModule("bad", "export default {\n  fetch() {\n    return 1 +;\n");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "syntax_error");
  EXPECT_NE(status.error().message.find("SyntaxError"), std::string::npos);
  EXPECT_NE(status.error().message.find("line 3, column 15"), std::string::npos)
      << status.error().message;
}

TEST(ModuleCheckTest, ImportsAreRefusedClearly) {
  auto status = isolates::checkModule("imp", "import x from 'npm:left-pad'; export default {};");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "unsupported_import");
  EXPECT_NE(status.error().message.find("npm:left-pad"), std::string::npos);
}

TEST(ModuleCheckTest, DoesNotRunTheCode) {
  // A module whose evaluation would never end is still only compiled.
  EXPECT_TRUE(isolates::checkModule("loop", "for (;;) {} export default {};").ok());
}

}  // namespace
}  // namespace quiver::testing
