/**
 * Test code: findings there are not what a compliance reviewer wants by default (a scan of a
 * library is mostly its tests), so the engine reports them as information unless the
 * configuration sets `includeTests`.
 */
const TEST_PATH = /(?:^|\/)(?:tests?|__tests__|__mocks__|spec|testing)\/|(?:^|\/)src\/test\/java\/|_test\.go$|\.(?:test|spec)\.[cm]?[jt]sx?$|(?:^|\/)test_[^/]*\.py$|_test\.py$|(?:^|\/)conftest\.py$|Tests?\.java$/;

/** True when a workspace-relative path (forward slashes) is test code by the usual conventions. */
export function isTestFile(file: string): boolean {
  return TEST_PATH.test(file);
}
