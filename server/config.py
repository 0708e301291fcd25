"""Default settings; every one can be overridden by a TEMOIN_* environment variable."""


class Defaults:
    """Settings used when neither the environment nor the caller gives a value."""

    # Database: the embedded SQLite file under the instance folder unless set.
    DATABASE_URL: str | None = None
    DB_POOL_SIZE = 10
    DB_POOL_TIMEOUT = 3
    DB_CONNECT_TIMEOUT = 3
    DB_STATEMENT_TIMEOUT_MS = 5000

    # Generated once and kept in the instance folder unless set.
    SECRET_KEY: str | None = None

    # Public API and widget.
    MAX_CONTENT_LENGTH = 16 * 1024
    MAX_JSON_DEPTH = 8
    CONFIG_CACHE_SECONDS = 5.0
    WIDGET_MAX_AGE = 300
    STORE_USER_AGENT = True
    # Most records one writer commit appends (group commit; see server/chainwriter.py).
    CONSENT_BATCH_MAX = 64

    # Signed checkpoints: the Ed25519 key (generated on first use) and the JSON Lines file
    # they are appended to; default: signing-key.pem and checkpoints.jsonl in the instance folder.
    SIGNING_KEY_FILE: str | None = None
    CHECKPOINT_FILE: str | None = None

    # Admin passwords: argon2id with the parameters of RFC 9106's low-memory profile
    # (t=3, 64 MiB, p=4); "rfc9106-high-memory" (t=1, 2 GiB) is stronger still. "cheapest"
    # exists for test suites only: it makes a stolen hash easy to crack.
    PASSWORD_HASH_PROFILE = "rfc9106-low-memory"

    # Consent log retention: days kept after a record is superseded or expired (13 months).
    RETENTION_DAYS = 395

    # Rate limits (Flask-Limiter syntax); storage is shared through Redis when REDIS_URL is set.
    REDIS_URL: str | None = None
    RATELIMIT_CONSENT_CLIENT = "120 per minute"
    RATELIMIT_CONSENT_SITE = "6000 per minute"
    RATELIMIT_LOGIN = "10 per minute"
    # Logins to one e-mail from browsers that never signed in to it, whatever their address.
    RATELIMIT_LOGIN_EMAIL = "30 per hour"
    RATELIMIT_ENABLED = True
    # Number of proxies in front of Témoin whose X-Forwarded-For/-Proto may be trusted (0: none).
    PROXY_FIX = 0

    # Cookie scanner: the browser (Debian's Chromium), extra Chromium flags (a JSON list),
    # time limits per page (each of the three passes) and per scan, and the wait after a load.
    CHROMIUM = "/usr/bin/chromium"
    SCAN_CHROMIUM_ARGS: tuple[str, ...] = ()
    SCAN_PAGE_SECONDS = 20
    SCAN_TOTAL_SECONDS = 900
    SCAN_SETTLE_MS = 1200
    # The job queue (Huey): Redis when REDIS_URL is set, else this SQLite file (default:
    # queue.db in the instance folder); `temoin worker` runs what is queued.
    QUEUE_FILE: str | None = None

    # Logging: one JSON object per line when true.
    LOG_JSON = False
    LOG_LEVEL = "INFO"
