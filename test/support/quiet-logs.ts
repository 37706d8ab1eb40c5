// jest setupFiles: the console log transport stays silent in tests (tests that look at log lines add
// their own transport); child processes started by tests set LOG_SILENT themselves.
process.env.LOG_SILENT ??= '1';
