"""Browser tests: the widget and the admin in Chromium through Playwright."""
