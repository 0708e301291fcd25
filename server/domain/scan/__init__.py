"""The cookie scanner: crawl a site in Chromium, three passes per page, classify what was set
and requested, judge « nothing before consent », compare with the published configuration and
propose the missing entries for the draft.

Modules: `urls` (what may be visited), `cookiedb` (the Open Cookie Database), `hosts` (the
built-in host catalogue), `browser` (Playwright: the passes), `crawl` (pages and time limits),
`classify` and `verdict` (what each finding is, and the audit), `drift` (declared versus
observed), `proposals` (findings to draft entries), `compare` (two scans), `store` (scan
records, queueing, running).
"""
